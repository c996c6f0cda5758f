/**
 * Tests of the equivalent-mutant ledger: what a well-formed entry is, how an
 * entry finds its mutant after the code around it moved, and how the tool
 * scores, flags and reruns with it (end to end, on a five-mutant fixture).
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { findMutants, type Mutant, OPERATOR_NAMES } from "./operators.ts";
import {
  entryFor,
  type LedgerEntry,
  LedgerError,
  matchLedger,
  parseLedger,
  sourceLine,
} from "./ledger.ts";
import {
  adjustedScorePercent,
  applyLedger,
  mutantKey,
  type MutantResult,
  rerunPlan,
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

/** The mutants of each text, found once: a type-checked parse takes a second or more. */
const MUTANTS = new Map<string, Mutant[]>();

/** Every mutant of `text` as file `m.ts`. */
function mutantsOf(text: string): Mutant[] {
  let mutants = MUTANTS.get(text);
  if (mutants === undefined) {
    mutants = findMutants("m.ts", text);
    MUTANTS.set(text, mutants);
  }
  return mutants;
}

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
  const found = mutantsOf(text).filter((mutant) =>
    mutant.line === line && mutant.column === column && mutant.operator === operator
  );
  assert.equal(found.length, 1, `one ${operator} mutant at ${line}:${column}`);
  return found[0];
}

/** The matched mutants of `text` as "line:column operator", in ledger order of their entries. */
function matched(entries: LedgerEntry[], text: string): string[] {
  const mutants = mutantsOf(text);
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
  const mutants = mutantsOf(oneFunction);
  for (const entries of [[firstLine, secondLine], [secondLine, firstLine]]) {
    const { byMutant, stale } = matchLedger(entries, "m.ts", oneFunction, mutants);
    assert.deepEqual([...byMutant.values()], [firstLine]);
    assert.deepEqual(stale, [secondLine]);
  }
});

Deno.test("matchLedger: an entry whose line changed, or of another operator, is stale", () => {
  const reason = "a reason long enough to pass";
  const entry = entryFor(MODULE, mutantAt(MODULE, 3, 16, "arithmetic"), reason);
  const mutants = mutantsOf(MODULE);
  const otherFile = { ...entry, file: "n.ts" };
  const otherOperator = { ...entry, operator: "boundary" };
  const result = matchLedger([entry, otherFile, otherOperator], "m.ts", MODULE, mutants);
  assert.equal(result.byMutant.size, 1);
  // Entries of other files are neither matched nor stale here.
  assert.deepEqual(result.stale, [otherOperator]);
  const edited = MODULE.replace("return value - limit - 1;", "return value - limit - 2;");
  const after = matchLedger([entry], "m.ts", edited, mutantsOf(edited));
  assert.deepEqual(after.stale, [entry]);
});

Deno.test("applyLedger and scores: equivalents leave the adjusted score, a killed entry is an error", () => {
  // Ten mutants: 6 killed, 1 timed out, 2 survivors in the ledger, 1 survivor not, plus 1
  // invalid mutant that counts nowhere. Raw score 7/10 = 70%; adjusted 7/(10-2) = 87.5%.
  const text = "f(1, 2, 3, 4, 5, 6);";
  const mutants = mutantsOf(text);
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

Deno.test("rerunPlan: after an edit, survivors, timeouts and new code are tested, kills carried", () => {
  const mutants = mutantsOf(MODULE);
  // The earlier report: every mutant killed but two survivors and one timeout.
  const outcomeAt = new Map([["3:24 arithmetic", "survived"], ["6:13 boundary", "survived"], [
    "2:7 condition true",
    "timed out",
  ]]);
  const earlier: MutantResult[] = mutants.map((mutant) => ({
    ...mutant,
    source: sourceLine(MODULE, mutant),
    outcome: (outcomeAt.get(`${mutant.line}:${mutant.column} ${mutant.operator}`) ??
      "killed") as MutantResult["outcome"],
    seconds: 1,
  }));
  assert.equal(earlier.filter((result) => result.outcome !== "killed").length, 3);
  // A comment on top moves every line down by one; line 7 ("return 0;", two numeric
  // literal mutants) becomes "return 0 + limit;" (new code: four mutants).
  const edited = "// a new comment\n" + MODULE.replace("return 0;", "return 0 + limit;");
  const now = mutantsOf(edited);
  const plan = rerunPlan(earlier, edited, now);
  const describe = (index: number) =>
    `${now[index].line}:${now[index].column} ${now[index].operator}`;
  assert.deepEqual([...plan.rerun].map(describe), [
    "3:7 condition true",
    "4:24 arithmetic",
    "7:13 boundary",
    "8:10 return value",
    "8:10 numeric literal",
    "8:10 numeric literal",
    "8:12 arithmetic",
  ]);
  assert.equal(plan.gone, 2, "the two numeric literal mutants of the old line 7");
  assert.equal(plan.carried.size, now.length - 7);
  for (const [index, result] of plan.carried) {
    assert.equal(result.outcome, "killed");
    assert.equal(result.start, now[index].start, "carried results take the mutant's new place");
  }
  // A report of an older version (no source line) is matched by offsets: on the same
  // text its survivors are rerun and its kills carried; on an edited text nothing
  // matches and every mutant is tested again.
  const old = earlier.map(({ source: _, ...result }) => result);
  const same = rerunPlan(old, MODULE, mutants);
  assert.equal(same.rerun.size, 3);
  assert.equal(same.carried.size, mutants.length - 3);
  const changed = rerunPlan(old, edited, now);
  assert.equal(changed.rerun.size, now.length);
  assert.equal(changed.gone, mutants.length);
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

    // The rerun tests only the earlier survivor, still equivalent, and carries over the four
    // kills. A ledger entry for the killed `<` mutant is an error, even carried over: exit 1.
    const wrong = { ...FIXTURE_EQUIVALENT, replacement: "<", operator: "comparison" };
    await Deno.writeTextFile(ledger, ledgerText([FIXTURE_EQUIVALENT, wrong]));
    const rerun = await runTool(["--ledger", ledger, "--rerun", report]);
    assert.equal(rerun.code, 1, rerun.stdout + rerun.stderr);
    assert.match(rerun.stdout, /larger\.ts: --rerun tests 1 mutants .* carries over 4 earlier/);
    assert.match(rerun.stdout, /larger\.ts: 1 mutants, tests/);
    // The summary scores the whole file: the four kills carried over and the equivalent.
    assert.match(rerun.stdout, /Scores include 4 kills carried over/);
    assert.match(rerun.stdout, /larger\.ts +5 +4 +0 +0 +1 +80\.0% +100\.0%/);
    // The `<` mutant was not rerun, but it exists: its entry is not stale.
    assert.doesNotMatch(rerun.stdout, /LEDGER STALE/);
    assert.match(
      rerun.stdout,
      /LEDGER ERROR tests\/mutation\/fixtures\/larger\.ts:13:16 \[comparison\]/,
    );
    assert.match(rerun.stderr, /1 ledger entries name mutants a test killed/);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
