/**
 * Tests of the mutation tool itself: which mutants a snippet gets, that code
 * in strings and types is left alone, and that sampling is deterministic.
 *
 * @module
 */

import assert from "node:assert/strict";
import { applyMutant, findMutants } from "./operators.ts";
import { sampleMutants, scorePercent, scoreResults } from "./mutate.ts";
import { resolveTestFiles } from "./sandbox.ts";

/** Each mutant of `text` as "line:column operator: mutated source". */
function describe(text: string): string[] {
  return findMutants("snippet.ts", text).map((mutant) =>
    `${mutant.line}:${mutant.column} ${mutant.operator}: ${applyMutant(text, mutant)}`
  );
}

Deno.test("findMutants: every operator on a comparison, in source order", () => {
  assert.deepEqual(describe("if (a < b) f();"), [
    "1:5 condition true: if (true) f();",
    "1:5 condition false: if (false) f();",
    "1:7 boundary: if (a <= b) f();",
    "1:7 comparison: if (a >= b) f();",
    "1:12 statement removed: if (a < b) ;",
  ]);
});

Deno.test("findMutants: integers off by one both ways, other numbers nudged once", () => {
  assert.deepEqual(describe("x[2] = -1 * 0.5;"), [
    "1:1 statement removed: ;",
    "1:3 numeric literal: x[(3)] = -1 * 0.5;",
    "1:3 numeric literal: x[(1)] = -1 * 0.5;",
    "1:8 numeric literal: x[2] = (0) * 0.5;",
    "1:8 numeric literal: x[2] = (-2) * 0.5;",
    "1:11 arithmetic: x[2] = -1 / 0.5;",
    "1:13 numeric literal: x[2] = -1 * (1.5);",
  ]);
});

Deno.test("findMutants: logical, equality, update, boolean and return mutants", () => {
  const text = [
    "function f(items: number[], flag: boolean): boolean {",
    "  let count = 0;",
    "  for (const item of items) if (item === 3 && !flag) count++;",
    "  return count !== 0 || true;",
    "}",
  ].join("\n");
  const operators = findMutants("snippet.ts", text).map((m) => `${m.operator} ${m.replacement}`);
  assert.deepEqual(operators, [
    "numeric literal (1)",
    "numeric literal (-1)",
    "condition true true",
    "condition false false",
    "equality !==",
    "numeric literal (4)",
    "numeric literal (2)",
    "logical ||",
    "negation removed flag",
    "statement removed ;",
    "update count--",
    "return value !(count !== 0 || true)",
    "equality ===",
    "numeric literal (1)",
    "numeric literal (-1)",
    "logical &&",
    "boolean literal false",
  ]);
});

Deno.test("findMutants: leaves strings, types, imports and error messages alone", () => {
  const text = [
    'import { a } from "./a.ts";',
    "type Pair = [1, 2];",
    "interface Limits { readonly below: 3 }",
    'const label: "x < y" = "x < y";',
    "const greeting = `count ${label}` + label;",
    "throw new Error(`at most ${7} items`);",
  ].join("\n");
  assert.deepEqual(describe(text), []);
});

Deno.test("sampleMutants: the same seed picks the same mutants, in source order", () => {
  const text = "const values = [1, 2, 3, 4, 5, 6, 7, 8];";
  const mutants = findMutants("snippet.ts", text);
  assert.equal(mutants.length, 16);
  const first = sampleMutants(mutants, 5, "seed-a");
  assert.deepEqual(sampleMutants(mutants, 5, "seed-a"), first);
  assert.equal(first.length, 5);
  const starts = first.map((mutant) => mutant.start);
  assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
  const other = sampleMutants(mutants, 5, "seed-b");
  assert.notDeepEqual(other, first);
  assert.deepEqual(sampleMutants(mutants, 100, "seed-a"), mutants);
});

Deno.test("scoreResults: timeouts count as kills, invalid mutants are not counted", () => {
  const base = findMutants("snippet.ts", "f(1);");
  assert.equal(base.length, 3);
  const outcomes = ["killed", "survived", "timed out", "invalid"] as const;
  const results = outcomes.map((outcome, index) => ({
    ...base[index % base.length],
    outcome,
    seconds: 1,
  }));
  const score = scoreResults("snippet.ts", results);
  assert.deepEqual(score, {
    file: "snippet.ts",
    mutants: 3,
    killed: 1,
    survived: 1,
    equivalent: 0,
    timedOut: 1,
    invalid: 1,
  });
  assert.equal(scorePercent(score), 200 / 3);
});

Deno.test("resolveTestFiles: files, folders and patterns; an entry matching nothing is an error", async () => {
  const root = new URL("../..", import.meta.url).pathname;
  const files = await resolveTestFiles(root, [
    "tests/mutation/",
    "tests/mutation/operators*_test.ts",
    "tests/mutation/operators_test.ts",
  ]);
  assert.deepEqual(files, ["tests/mutation/ledger_test.ts", "tests/mutation/operators_test.ts"]);
  await assert.rejects(
    resolveTestFiles(root, ["tests/mutation/nothing*_test.ts"]),
    /tests\/mutation\/nothing\*_test\.ts matches no test file/,
  );
});
