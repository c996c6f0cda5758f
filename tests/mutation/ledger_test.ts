/**
 * Tests of the equivalent-mutant ledger: what a well-formed entry is, how an
 * entry finds its mutant after the code around it moved, and how the tool
 * scores, flags and reruns with it (end to end, on a five-mutant fixture).
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { findMutants, OPERATOR_NAMES } from "./operators.ts";
import { entryFor, type LedgerEntry, LedgerError, matchLedger, parseLedger } from "./ledger.ts";
import {
  adjustedScorePercent,
  applyLedger,
  mutantKey,
  type MutantResult,
  scorePercent,
  scoreResults,
  summaryRow,
} from "./mutate.ts";

/** A valid entry; tests change one field at a time. */
const VALID: LedgerEntry = {
  file: "src/report/example.ts",
  operator: "boundary",
  original: ">=",
  replacement: ">",
  source: "return first >= second ? first : second;",
  line: 13,
  column: 16,
  reason: "for equal arguments both branches return the same number",
};

/** The ledger text of `entries`. */
function ledgerText(entries: readonly unknown[]): string {
  return JSON.stringify(entries, null, 2);
}

Deno.test("parseLedger: reads well-formed entries unchanged", () => {
  const second = { ...VALID, line: 40, source: "if (count >= limit) return;" };
  assert.deepEqual(parseLedger(ledgerText([VALID, second]), "ledger.json", OPERATOR_NAMES), [
    VALID,
    second,
  ]);
  assert.deepEqual(parseLedger("[]", "ledger.json", OPERATOR_NAMES), []);
});

Deno.test("parseLedger: a malformed ledger is an error naming the file and the entry", () => {
  const rejects = (text: string, message: RegExp) =>
    assert.throws(() => parseLedger(text, "path/ledger.json", OPERATOR_NAMES), (error) => {
      assert.ok(error instanceof LedgerError);
      assert.match(error.message, /^path\/ledger\.json: /);
      assert.match(error.message, message);
      return true;
    });
  const withSecond = (change: Record<string, unknown>) =>
    ledgerText([VALID, { ...VALID, line: 99, ...change }]);
  const without = (field: keyof LedgerEntry) => {
    const entry: Record<string, unknown> = { ...VALID, line: 99 };
    delete entry[field];
    return ledgerText([VALID, entry]);
  };
  rejects("[{", /not valid JSON/);
  rejects(JSON.stringify({ entries: [VALID] }), /must be a JSON array/);
  rejects(ledgerText([VALID, "boundary"]), /entry 2: must be an object/);
  rejects(without("reason"), /entry 2 \(src\/report\/example\.ts:99\): "reason" must be a string/);
  rejects(without("source"), /entry 2 .*"source" must be a string/);
  rejects(without("line"), /entry 2 \(src\/report\/example\.ts\): "line" must be a positive/);
  rejects(withSecond({ column: 0 }), /entry 2 .*"column" must be a positive integer/);
  rejects(withSecond({ line: 2.5 }), /entry 2 .*"line" must be a positive integer/);
  rejects(withSecond({ original: "" }), /entry 2 .*"original" must not be empty/);
  rejects(withSecond({ reson: "typo" }), /entry 2 .*unknown field "reson"/);
  rejects(withSecond({ operator: "boundry" }), /entry 2 .*unknown operator "boundry"/);
  rejects(withSecond({ source: "  return 0;" }), /entry 2 .*one trimmed source line/);
  rejects(withSecond({ replacement: ">=" }), /entry 2 .*"replacement" equals "original"/);
  rejects(withSecond({ reason: "equivalent" }), /entry 2 .*"reason" must say specifically/);
  rejects(
    withSecond({ reason: "TODO: work out why this one survives" }),
    /entry 2 .*"reason" must say/,
  );
  rejects(ledgerText([VALID, { ...VALID }]), /entry 2 .*same mutant as entry 1/);
});

/** A small module whose mutants the matching tests look up. */
const MODULE = [
  "export function clamp(value: number, limit: number): number {",
  "  if (value > limit) return limit;",
  "  return value - limit - 1;",
  "}",
  "export function other(value: number, limit: number): number {",
  "  if (value > limit) return limit;",
  "  return 0;",
  "}",
].join("\n");

/** The mutant of `text` at 1-based `line` and `column` made by `operator`. */
function mutantAt(text: string, line: number, column: number, operator: string) {
  const found = findMutants("m.ts", text).filter((mutant) =>
    mutant.line === line && mutant.column === column && mutant.operator === operator
  );
  assert.equal(found.length, 1, `one ${operator} mutant at ${line}:${column}`);
  return found[0];
}

/** The matched mutants of `text` as "line:column operator", in ledger order of their entries. */
function matched(entries: LedgerEntry[], text: string): string[] {
  const mutants = findMutants("m.ts", text);
  const { byMutant } = matchLedger(entries, "m.ts", text, mutants);
  return entries.map((entry) => {
    const index = [...byMutant].find(([, candidate]) => candidate === entry)?.[0];
    return index === undefined
      ? "none"
      : `${mutants[index].line}:${mutants[index].column} ${mutants[index].operator}`;
  });
}

Deno.test("matchLedger: an entry still finds its mutant after lines are added above it", () => {
  const entry = entryFor(MODULE, mutantAt(MODULE, 2, 13, "boundary"), "a specific reason here");
  assert.equal(entry.source, "if (value > limit) return limit;");
  const shifted = "// a comment\n// another\n" + MODULE.replaceAll("\n  ", "\n    ");
  // Two lines down, two columns right: the same mutant, found by its source line.
  assert.deepEqual(matched([entry], shifted), ["4:15 boundary"]);
  // The entry names line 2 of the first function, not the identical line 6 of the second.
  assert.deepEqual(matched([entry], MODULE), ["2:13 boundary"]);
});

Deno.test("matchLedger: identical lines and operators are told apart by the line and column hints", () => {
  const reason = "a reason long enough to pass";
  const secondLine = entryFor(MODULE, mutantAt(MODULE, 6, 13, "boundary"), reason);
  const firstMinus = entryFor(MODULE, mutantAt(MODULE, 3, 16, "arithmetic"), reason);
  const secondMinus = entryFor(MODULE, mutantAt(MODULE, 3, 24, "arithmetic"), reason);
  assert.deepEqual(matched([secondLine, secondMinus, firstMinus], MODULE), [
    "6:13 boundary",
    "3:24 arithmetic",
    "3:16 arithmetic",
  ]);
  // Two entries never take one mutant: with the second function gone, its entry is stale,
  // whichever order the entries come in.
  const firstLine = entryFor(MODULE, mutantAt(MODULE, 2, 13, "boundary"), reason);
  const oneFunction = MODULE.split("\n").slice(0, 4).join("\n");
  const mutants = findMutants("m.ts", oneFunction);
  for (const entries of [[firstLine, secondLine], [secondLine, firstLine]]) {
    const { byMutant, stale } = matchLedger(entries, "m.ts", oneFunction, mutants);
    assert.deepEqual([...byMutant.values()], [firstLine]);
    assert.deepEqual(stale, [secondLine]);
  }
});

Deno.test("matchLedger: an entry whose line changed, or of another operator, is stale", () => {
  const reason = "a reason long enough to pass";
  const entry = entryFor(MODULE, mutantAt(MODULE, 3, 16, "arithmetic"), reason);
  const mutants = findMutants("m.ts", MODULE);
  const otherFile = { ...entry, file: "n.ts" };
  const otherOperator = { ...entry, operator: "boundary" };
  const result = matchLedger([entry, otherFile, otherOperator], "m.ts", MODULE, mutants);
  assert.equal(result.byMutant.size, 1);
  // Entries of other files are neither matched nor stale here.
  assert.deepEqual(result.stale, [otherOperator]);
  const edited = MODULE.replace("return value - limit - 1;", "return value - limit - 2;");
  const after = matchLedger([entry], "m.ts", edited, findMutants("m.ts", edited));
  assert.deepEqual(after.stale, [entry]);
});

Deno.test("applyLedger and scores: equivalents leave the adjusted score, a killed entry is an error", () => {
  // Ten mutants: 6 killed, 1 timed out, 2 survivors in the ledger, 1 survivor not, plus 1
  // invalid mutant that counts nowhere. Raw score 7/10 = 70%; adjusted 7/(10-2) = 87.5%.
  const text = "f(1, 2, 3, 4, 5, 6);";
  const mutants = findMutants("m.ts", text);
  assert.ok(mutants.length >= 11);
  const outcomes = [
    "killed",
    "killed",
    "killed",
    "killed",
    "killed",
    "killed",
    "timed out",
    "survived",
    "survived",
    "survived",
    "invalid",
  ] as const;
  const results: MutantResult[] = outcomes.map((outcome, index) => ({
    ...mutants[index],
    outcome,
    seconds: 1,
  }));
  const entry = (index: number) => entryFor(text, mutants[index], `reason number ${index} here`);
  const byMutant = new Map([0, 8, 9, 10].map((index) => [mutantKey(mutants[index]), entry(index)]));
  const errors = applyLedger(results, byMutant);
  assert.deepEqual(errors, [entry(0)]);
  assert.deepEqual(results.map((result) => result.equivalent), [
    ...Array(8).fill(undefined),
    "reason number 8 here",
    "reason number 9 here",
    undefined,
  ]);
  const score = scoreResults("m.ts", results);
  assert.deepEqual(score, {
    file: "m.ts",
    mutants: 10,
    killed: 6,
    survived: 1,
    equivalent: 2,
    timedOut: 1,
    invalid: 1,
  });
  assert.equal(scorePercent(score), 70);
  assert.equal(adjustedScorePercent(score), 87.5);
  assert.equal(
    summaryRow(score),
    "m.ts".padEnd(40) + "      10      6        1       1          2  70.0%    87.5%",
  );
  assert.equal(adjustedScorePercent({ ...score, mutants: 2, killed: 0, timedOut: 0 }), 100);
});

/** Runs the tool on the fixture module with `args`; returns its exit code and output. */
async function runTool(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const root = new URL("../..", import.meta.url).pathname;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      join(root, "tests/mutation/mutate.ts"),
      "--module",
      "tests/mutation/fixtures/larger.ts",
      "--tests",
      "tests/mutation/fixtures/larger_check.ts",
      ...args,
    ],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code, stdout: decoder.decode(stdout), stderr: decoder.decode(stderr) };
}

/** The fixture's `>=` to `>` mutant, equivalent: for equal arguments both branches agree. */
const FIXTURE_EQUIVALENT: LedgerEntry = {
  file: "tests/mutation/fixtures/larger.ts",
  operator: "boundary",
  original: ">=",
  replacement: ">",
  source: "return first >= second ? first : second;",
  line: 13,
  column: 16,
  reason: "for equal arguments both branches return the same number",
};

Deno.test("mutate --list: a malformed ledger stops the tool with exit status 2", async () => {
  const folder = await Deno.makeTempDir({ prefix: "ledger-test-" });
  try {
    const ledger = join(folder, "ledger.json");
    await Deno.writeTextFile(
      ledger,
      ledgerText([FIXTURE_EQUIVALENT, { ...FIXTURE_EQUIVALENT, reason: "" }]),
    );
    const run = await runTool(["--list", "--ledger", ledger]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, new RegExp(`${ledger}: entry 2 \\(tests/mutation/fixtures/larger`));
    assert.match(run.stderr, /"reason" must say specifically/);
    const missing = await runTool(["--list", "--ledger", join(folder, "absent.json")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--ledger .*absent\.json/);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});

Deno.test("mutate: ledger survivors are equivalent, a killed entry is an error, --rerun keeps them", async () => {
  const folder = await Deno.makeTempDir({ prefix: "ledger-test-" });
  try {
    const ledger = join(folder, "ledger.json");
    const report = join(folder, "report.json");
    const propose = join(folder, "proposed.json");
    const stale = { ...FIXTURE_EQUIVALENT, source: "return first > second ? first : second;" };
    await Deno.writeTextFile(ledger, ledgerText([FIXTURE_EQUIVALENT, stale]));
    const listed = await runTool(["--list", "--ledger", ledger, "--propose", propose]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /13:16 \[boundary\] \(equivalent, in the ledger\)/);
    assert.match(listed.stdout, /LEDGER STALE tests\/mutation\/fixtures\/larger\.ts:13:16/);
    // The four mutants the ledger does not name, ready for a reason.
    const proposed = JSON.parse(await Deno.readTextFile(propose)) as LedgerEntry[];
    assert.deepEqual(proposed.map((entry) => entry.operator), [
      "return value",
      "condition true",
      "condition false",
      "comparison",
    ]);

    // Five mutants: four killed by larger_check.ts, `>=` to `>` survives and is in the ledger.
    // Raw 4/5 = 80.0%; adjusted 4/(5-1) = 100.0%.
    const full = await runTool(["--ledger", ledger, "--report", report, "--jobs", "1"]);
    assert.equal(full.code, 0, full.stdout + full.stderr);
    assert.match(
      full.stdout,
      /EQUIVALENT tests\/mutation\/fixtures\/larger\.ts:13:16 \[boundary\]/,
    );
    assert.match(
      full.stdout,
      /tests\/mutation\/fixtures\/larger\.ts +5 +4 +0 +0 +1 +80\.0% +100\.0%/,
    );
    const results = JSON.parse(await Deno.readTextFile(report)) as MutantResult[];
    assert.deepEqual(results.map((result) => [result.outcome, result.equivalent]), [
      ["killed", undefined],
      ["killed", undefined],
      ["killed", undefined],
      ["survived", FIXTURE_EQUIVALENT.reason],
      ["killed", undefined],
    ]);

    // The rerun tests only the earlier survivor, still equivalent; a ledger entry for
    // the killed `<` mutant is an error, exit status 1.
    const wrong = { ...FIXTURE_EQUIVALENT, replacement: "<", operator: "comparison" };
    await Deno.writeTextFile(ledger, ledgerText([FIXTURE_EQUIVALENT, wrong]));
    const rerun = await runTool(["--ledger", ledger, "--rerun", report]);
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    assert.match(rerun.stdout, /larger\.ts: 1 mutants/);
    assert.match(rerun.stdout, /larger\.ts +1 +0 +0 +0 +1 +0\.0% +100\.0%/);
    // The `<` mutant was not rerun, but it exists: its entry is not stale.
    assert.doesNotMatch(rerun.stdout, /LEDGER STALE/);
    const all = await runTool(["--ledger", ledger]);
    assert.equal(all.code, 1);
    assert.match(
      all.stdout,
      /LEDGER ERROR tests\/mutation\/fixtures\/larger\.ts:13:16 \[comparison\]/,
    );
    assert.match(all.stderr, /1 ledger entries name mutants a test killed/);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
