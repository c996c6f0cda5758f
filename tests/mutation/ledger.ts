/**
 * The equivalent-mutant ledger (`tests/mutation/equivalent_mutants.json`): the
 * surviving mutants that no test could tell from the original, each with the
 * reason why. The mutation tool reports a survivor the ledger names as
 * "equivalent" and leaves it out of the adjusted score; a ledger entry whose
 * mutant a test kills is an error (the mutant was not equivalent after all),
 * and one that matches no mutant of its file is stale (the code moved on).
 *
 * An entry names its mutant by what survives edits elsewhere in the file: the
 * file, the operator, the original and replacement text, and the trimmed
 * source line the mutant starts on. Its line and column are only a hint, used
 * to choose between identical lines (two `return 0;` in one file).
 *
 * @module
 */

import type { Mutant } from "./operators.ts";

/** Where the mutation tool looks for the ledger, relative to the repository root. */
export const DEFAULT_LEDGER_PATH = "tests/mutation/equivalent_mutants.json";

/** Fewer characters than this cannot say which earlier check or precision limit makes a mutant equivalent. */
const SHORTEST_REASON = 20;

/** One documented equivalent mutant. */
export interface LedgerEntry {
  /** Path of the mutated file, relative to the repository root. */
  file: string;
  /** The operator that makes the mutant (as the tool prints it: "boundary", "condition true"). */
  operator: string;
  /** The source text the mutant replaces. */
  original: string;
  /** The text the mutant puts in its place. */
  replacement: string;
  /** The source line the mutant starts on, without leading and trailing white space. */
  source: string;
  /** 1-based line where the mutant was when the entry was written (a hint). */
  line: number;
  /** 1-based column where the mutant was when the entry was written (a hint). */
  column: number;
  /** Why no test could tell this mutant from the original. */
  reason: string;
}

/** The fields of an entry, in the order they are written. */
const ENTRY_FIELDS: readonly (keyof LedgerEntry)[] = [
  "file",
  "operator",
  "original",
  "replacement",
  "source",
  "line",
  "column",
  "reason",
];

/** A malformed ledger: the message names the file and the entry. */
export class LedgerError extends Error {
  /** Builds the error with a message that already names the file and the entry. */
  constructor(message: string) {
    super(message);
    this.name = "LedgerError";
  }
}

/**
 * Parses and checks a ledger's text.
 *
 * @param text the ledger file's content
 * @param path the ledger's path, for error messages
 * @param operators the operator names the tool can make; an entry naming another is a typo
 * @throws LedgerError naming `path` and the entry (1-based, with its file and line) when the
 *   text is not a JSON array of complete, well-typed entries with specific reasons, or when
 *   two entries name the same mutant
 */
export function parseLedger(
  text: string,
  path: string,
  operators: readonly string[],
): LedgerEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new LedgerError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(data)) {
    throw new LedgerError(`${path}: must be a JSON array of entries`);
  }
  const entries: LedgerEntry[] = [];
  const seen = new Map<string, number>();
  data.forEach((item: unknown, index) => {
    const record = (typeof item === "object" && item !== null && !Array.isArray(item))
      ? item as Record<string, unknown>
      : null;
    const where = describeEntry(index, record);
    const fail = (problem: string): never => {
      throw new LedgerError(`${path}: ${where}: ${problem}`);
    };
    if (record === null) fail("must be an object");
    const fields = record as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      if (!(ENTRY_FIELDS as readonly string[]).includes(key)) {
        fail(`unknown field "${key}" (fields: ${ENTRY_FIELDS.join(", ")})`);
      }
    }
    for (const key of ["file", "operator", "original", "replacement", "source", "reason"]) {
      if (typeof fields[key] !== "string") fail(`"${key}" must be a string`);
    }
    for (const key of ["file", "operator", "original", "source"]) {
      if ((fields[key] as string).length === 0) fail(`"${key}" must not be empty`);
    }
    for (const key of ["line", "column"]) {
      const value = fields[key];
      if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
        fail(`"${key}" must be a positive integer`);
      }
    }
    const entry = fields as unknown as LedgerEntry;
    if (!operators.includes(entry.operator)) {
      fail(`unknown operator "${entry.operator}" (operators: ${operators.join(", ")})`);
    }
    if (entry.source !== entry.source.trim() || entry.source.includes("\n")) {
      fail(`"source" must be one trimmed source line`);
    }
    if (entry.original === entry.replacement) fail(`"replacement" equals "original"`);
    const reason = entry.reason.trim();
    if (reason.length < SHORTEST_REASON || /^(todo|equivalent|tbd)\b/i.test(reason)) {
      fail(
        `"reason" must say specifically why no test could tell the mutant from the original ` +
          `(at least ${SHORTEST_REASON} characters, not a placeholder)`,
      );
    }
    const key = JSON.stringify([
      entry.file,
      entry.operator,
      entry.original,
      entry.replacement,
      entry.source,
      entry.line,
      entry.column,
    ]);
    const earlier = seen.get(key);
    if (earlier !== undefined) fail(`names the same mutant as entry ${earlier + 1}`);
    seen.set(key, index);
    entries.push(entry);
  });
  return entries;
}

/** "entry 3 (src/report/claims.ts:120)" or "entry 3" when the entry has no usable file and line. */
function describeEntry(index: number, record: Record<string, unknown> | null): string {
  const file = record?.file;
  const line = record?.line;
  return typeof file === "string" && file.length > 0
    ? `entry ${index + 1} (${file}${typeof line === "number" ? `:${line}` : ""})`
    : `entry ${index + 1}`;
}

/** The trimmed line of `text` on which `mutant` starts. */
export function sourceLine(text: string, mutant: Mutant): string {
  const lineStart = text.lastIndexOf("\n", mutant.start - 1) + 1;
  const lineEndIndex = text.indexOf("\n", mutant.start);
  return text.slice(lineStart, lineEndIndex === -1 ? text.length : lineEndIndex).trim();
}

/** The ledger entry that would name `mutant` of `text`, with `reason` left to the writer. */
export function entryFor(text: string, mutant: Mutant, reason: string): LedgerEntry {
  return {
    file: mutant.file,
    operator: mutant.operator,
    original: mutant.original,
    replacement: mutant.replacement,
    source: sourceLine(text, mutant),
    line: mutant.line,
    column: mutant.column,
    reason,
  };
}

/** How the ledger's entries for one file map onto that file's mutants. */
export interface LedgerMatch {
  /** The entry naming each mutant (by the mutant's index in the file's full list). */
  byMutant: Map<number, LedgerEntry>;
  /** Entries that name no mutant of the file as it is now. */
  stale: LedgerEntry[];
}

/**
 * Matches the ledger's entries for `file` against every mutant of the file.
 *
 * An entry matches the mutants with its operator, original and replacement
 * text on a line that, trimmed, equals its source line. When several do (the
 * same line twice in the file, or the same operator twice on a line), the
 * nearest pairs by line hint, then column hint, are taken first, whatever the
 * order of the entries; each mutant is taken by at most one entry.
 *
 * @param entries the whole ledger (entries of other files are ignored)
 * @param file the file's path relative to the repository root
 * @param text the file's current source text
 * @param mutants every mutant of the file, not a sample: an entry is stale only if none matches
 */
export function matchLedger(
  entries: readonly LedgerEntry[],
  file: string,
  text: string,
  mutants: readonly Mutant[],
): LedgerMatch {
  const mine = entries.filter((candidate) => candidate.file === file);
  const lines = mutants.map((mutant) => sourceLine(text, mutant));
  const pairs: { entry: number; mutant: number; lineDistance: number; columnDistance: number }[] =
    [];
  mine.forEach((entry, entryIndex) => {
    mutants.forEach((mutant, mutantIndex) => {
      if (
        mutant.operator === entry.operator && mutant.original === entry.original &&
        mutant.replacement === entry.replacement && lines[mutantIndex] === entry.source
      ) {
        pairs.push({
          entry: entryIndex,
          mutant: mutantIndex,
          lineDistance: Math.abs(mutant.line - entry.line),
          columnDistance: Math.abs(mutant.column - entry.column),
        });
      }
    });
  });
  pairs.sort((first, second) =>
    first.lineDistance - second.lineDistance || first.columnDistance - second.columnDistance ||
    first.entry - second.entry || first.mutant - second.mutant
  );
  const byMutant = new Map<number, LedgerEntry>();
  const matchedEntries = new Set<number>();
  for (const pair of pairs) {
    if (matchedEntries.has(pair.entry) || byMutant.has(pair.mutant)) continue;
    matchedEntries.add(pair.entry);
    byMutant.set(pair.mutant, mine[pair.entry]);
  }
  const stale = mine.filter((_, index) => !matchedEntries.has(index));
  return { byMutant, stale };
}
