/**
 * The mutation operators: where a small deliberate bug can be put in a source
 * file, and what the bug is. Each {@link Mutant} is one textual replacement of
 * one span of the original source, found from the TypeScript syntax tree (so
 * that a `<` inside a string or a type is never touched).
 *
 * The operators are the bugs that change a harness's numbers without crashing
 * it: arithmetic, comparison boundaries, logical and equality operators,
 * boolean and numeric literals (off by one), return values, removed
 * statements, and conditions forced true or false.
 *
 * @module
 */

import ts from "typescript";

/** One deliberate bug: replace `original` at [start, end) of `file` with `replacement`. */
export interface Mutant {
  /** Path of the mutated file, relative to the repository root. */
  file: string;
  /** 1-based line of the mutated span's start. */
  line: number;
  /** 1-based column of the mutated span's start. */
  column: number;
  /** Offset of the span's first character in the source text. */
  start: number;
  /** Offset just past the span's last character. */
  end: number;
  /** The source text the mutant replaces. */
  original: string;
  /** The text put in its place. */
  replacement: string;
  /** Name of the operator that made the mutant. */
  operator: string;
}

/** The name of every operator {@link findMutants} uses, as mutants and the ledger spell it. */
export const OPERATOR_NAMES: readonly string[] = [
  "arithmetic",
  "boundary",
  "comparison",
  "equality",
  "logical",
  "assignment",
  "negation removed",
  "sign removed",
  "update",
  "boolean literal",
  "numeric literal",
  "return value",
  "statement removed",
  "condition true",
  "condition false",
];

/** Binary operators and what each one is mutated into. */
const BINARY_REPLACEMENTS: ReadonlyMap<ts.SyntaxKind, readonly [string, string][]> = new Map<
  ts.SyntaxKind,
  [string, string][]
>([
  [ts.SyntaxKind.PlusToken, [["arithmetic", "-"]]],
  [ts.SyntaxKind.MinusToken, [["arithmetic", "+"]]],
  [ts.SyntaxKind.AsteriskToken, [["arithmetic", "/"]]],
  [ts.SyntaxKind.SlashToken, [["arithmetic", "*"]]],
  [ts.SyntaxKind.PercentToken, [["arithmetic", "*"]]],
  [ts.SyntaxKind.LessThanToken, [["boundary", "<="], ["comparison", ">="]]],
  [ts.SyntaxKind.LessThanEqualsToken, [["boundary", "<"], ["comparison", ">"]]],
  [ts.SyntaxKind.GreaterThanToken, [["boundary", ">="], ["comparison", "<="]]],
  [ts.SyntaxKind.GreaterThanEqualsToken, [["boundary", ">"], ["comparison", "<"]]],
  [ts.SyntaxKind.EqualsEqualsEqualsToken, [["equality", "!=="]]],
  [ts.SyntaxKind.ExclamationEqualsEqualsToken, [["equality", "==="]]],
  [ts.SyntaxKind.EqualsEqualsToken, [["equality", "!="]]],
  [ts.SyntaxKind.ExclamationEqualsToken, [["equality", "=="]]],
  [ts.SyntaxKind.AmpersandAmpersandToken, [["logical", "||"]]],
  [ts.SyntaxKind.BarBarToken, [["logical", "&&"]]],
  [ts.SyntaxKind.QuestionQuestionToken, [["logical", "&&"]]],
  [ts.SyntaxKind.PlusEqualsToken, [["assignment", "-="]]],
  [ts.SyntaxKind.MinusEqualsToken, [["assignment", "+="]]],
  [ts.SyntaxKind.AsteriskEqualsToken, [["assignment", "/="]]],
  [ts.SyntaxKind.SlashEqualsToken, [["assignment", "*="]]],
]);

/** Whether `node` lies inside a type (annotation, alias, interface): no runtime behaviour. */
function isInsideType(node: ts.Node): boolean {
  for (let current: ts.Node | undefined = node; current; current = current.parent) {
    if (ts.isTypeNode(current) && !ts.isExpressionWithTypeArguments(current)) return true;
    if (ts.isInterfaceDeclaration(current) || ts.isTypeAliasDeclaration(current)) return true;
    if (ts.isImportDeclaration(current) || ts.isExportDeclaration(current)) return true;
  }
  return false;
}

/** Whether a `+` joins strings: its mutation to `-` only makes `NaN`, a crash-like noise mutant. */
function isStringConcatenation(node: ts.BinaryExpression, checker: ts.TypeChecker): boolean {
  const isStringy = (side: ts.Expression) =>
    ts.isStringLiteral(side) || ts.isTemplateExpression(side) ||
    ts.isNoSubstitutionTemplateLiteral(side) ||
    (checker.getTypeAtLocation(side).flags & ts.TypeFlags.StringLike) !== 0;
  return isStringy(node.left) || isStringy(node.right);
}

/** Whether a number sits in an error message (a thrown value or a template): text, not behaviour. */
function isInsideThrowOrMessage(node: ts.Node): boolean {
  for (let current: ts.Node | undefined = node; current; current = current.parent) {
    if (ts.isThrowStatement(current)) return true;
    if (ts.isTemplateSpan(current) || ts.isTemplateExpression(current)) return true;
    if (ts.isFunctionLike(current) || ts.isBlock(current)) return false;
  }
  return false;
}

/** The replacements of a returned expression, chosen by its static type. */
function returnReplacements(expression: ts.Expression, checker: ts.TypeChecker): string[] {
  const type = checker.getTypeAtLocation(expression);
  const text = expression.getText();
  if (type.flags & ts.TypeFlags.BooleanLike) {
    return ts.isPrefixUnaryExpression(expression) ? [] : [`!(${text})`];
  }
  if (type.flags & ts.TypeFlags.NumberLike) {
    return ts.isNumericLiteral(expression) ? [] : [text === "0" ? "1" : "0"];
  }
  if (type.flags & ts.TypeFlags.StringLike) return text === '""' ? [] : ['""'];
  if (checker.isArrayType(type)) {
    return ts.isArrayLiteralExpression(expression) && expression.elements.length === 0
      ? []
      : ["[]"];
  }
  return [];
}

/** A compiler host over one in-memory source file; its imports resolve to nothing (types `any`). */
function singleFileProgram(path: string, source: ts.SourceFile): ts.Program {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ESNext,
    module: ts.ModuleKind.ESNext,
    noResolve: true,
    noLib: false,
    allowImportingTsExtensions: true,
    noEmit: true,
    strict: true,
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion) =>
    name === path ? source : readFile(name, languageVersion);
  return ts.createProgram([path], options, host);
}

/**
 * Every mutant of one source file, in source order (then operator order), so
 * that the same file always gives the same list.
 *
 * @param file path relative to the repository root, recorded in each mutant
 * @param text the file's source text
 */
export function findMutants(file: string, text: string): Mutant[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ESNext, true, ts.ScriptKind.TS);
  const checker = singleFileProgram(file, source).getTypeChecker();
  const mutants: Mutant[] = [];
  const add = (start: number, end: number, replacement: string, operator: string) => {
    const { line, character } = source.getLineAndCharacterOfPosition(start);
    mutants.push({
      file,
      line: line + 1,
      column: character + 1,
      start,
      end,
      original: text.slice(start, end),
      replacement,
      operator,
    });
  };
  const forceCondition = (condition: ts.Expression, values: readonly string[]) => {
    for (const value of values) {
      if (condition.getText() !== value) {
        add(condition.getStart(), condition.getEnd(), value, `condition ${value}`);
      }
    }
  };

  const visit = (node: ts.Node): void => {
    if (isInsideType(node)) return;
    if (ts.isBinaryExpression(node)) {
      const replacements = BINARY_REPLACEMENTS.get(node.operatorToken.kind) ?? [];
      const isPlus = node.operatorToken.kind === ts.SyntaxKind.PlusToken ||
        node.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken;
      if (!(isPlus && isStringConcatenation(node, checker))) {
        for (const [operator, replacement] of replacements) {
          add(node.operatorToken.getStart(), node.operatorToken.getEnd(), replacement, operator);
        }
      }
    } else if (ts.isPrefixUnaryExpression(node)) {
      const operand = node.operand.getText();
      if (node.operator === ts.SyntaxKind.ExclamationToken) {
        add(node.getStart(), node.getEnd(), operand, "negation removed");
      } else if (node.operator === ts.SyntaxKind.MinusToken && !ts.isNumericLiteral(node.operand)) {
        add(node.getStart(), node.getEnd(), operand, "sign removed");
      } else if (node.operator === ts.SyntaxKind.PlusPlusToken) {
        add(node.getStart(), node.getEnd(), `--${operand}`, "update");
      } else if (node.operator === ts.SyntaxKind.MinusMinusToken) {
        add(node.getStart(), node.getEnd(), `++${operand}`, "update");
      }
    } else if (ts.isPostfixUnaryExpression(node)) {
      const operand = node.operand.getText();
      const flipped = node.operator === ts.SyntaxKind.PlusPlusToken ? "--" : "++";
      add(node.getStart(), node.getEnd(), `${operand}${flipped}`, "update");
    } else if (node.kind === ts.SyntaxKind.TrueKeyword) {
      add(node.getStart(), node.getEnd(), "false", "boolean literal");
    } else if (node.kind === ts.SyntaxKind.FalseKeyword) {
      add(node.getStart(), node.getEnd(), "true", "boolean literal");
    } else if (ts.isNumericLiteral(node) && !isInsideThrowOrMessage(node)) {
      const value = Number(node.text);
      const isNegated = ts.isPrefixUnaryExpression(node.parent) &&
        node.parent.operator === ts.SyntaxKind.MinusToken;
      const start = isNegated ? node.parent.getStart() : node.getStart();
      const signed = isNegated ? -value : value;
      // Integers are counts and indices: off by one either way. Other numbers are
      // constants, for which one nudge shows whether any test depends on them.
      const changes = Number.isInteger(signed) ? [signed + 1, signed - 1] : [signed + 1];
      for (const changed of changes) {
        if (Number.isFinite(changed) && changed !== signed) {
          add(start, node.getEnd(), `(${changed})`, "numeric literal");
        }
      }
    } else if (ts.isReturnStatement(node) && node.expression) {
      for (const replacement of returnReplacements(node.expression, checker)) {
        add(node.expression.getStart(), node.expression.getEnd(), replacement, "return value");
      }
    } else if (ts.isExpressionStatement(node)) {
      add(node.getStart(), node.getEnd(), ";", "statement removed");
    } else if (ts.isIfStatement(node)) {
      forceCondition(node.expression, ["true", "false"]);
    } else if (ts.isConditionalExpression(node)) {
      forceCondition(node.condition, ["true", "false"]);
    } else if (ts.isWhileStatement(node)) {
      forceCondition(node.expression, ["false"]);
    } else if ((ts.isForStatement(node)) && node.condition) {
      forceCondition(node.condition, ["false"]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return mutants.sort((first, second) => first.start - second.start);
}

/** The source text with one mutant applied. */
export function applyMutant(text: string, mutant: Mutant): string {
  return text.slice(0, mutant.start) + mutant.replacement + text.slice(mutant.end);
}
