/**
 * The mutation tool (`deno task mutate`): puts small deliberate bugs into the
 * modules the results depend on, one at a time, in a throwaway copy of the
 * repository, runs the tests that guard each module, and prints per module how
 * many bugs the tests caught.
 *
 * ```
 * deno task mutate [--module PATH]... [--tests ENTRY]... [--max N] [--seed S]
 *                  [--jobs N] [--report FILE] [--rerun FILE] [--list]
 *                  [--ledger FILE] [--propose FILE]
 * ```
 *
 * - `--module` a source file or folder (default: the modules of issue 13:
 *   src/pruning/, src/nn/, src/report/claims.ts, src/report/statistics.ts,
 *   src/runner/store.ts, src/config/).
 * - `--tests` test files, folders or `*` patterns to run instead of the
 *   module's entries in the fixed map (`module_map.ts`).
 * - `--max N` test a seeded sample of at most N mutants per file (`--seed`,
 *   default 1); the sample is printed in source order, the same every run.
 * - `--jobs N` parallel copies of the repository (default 1: the machine is shared).
 * - `--report FILE` also writes every mutant and its outcome as JSON.
 * - `--rerun FILE` tests again only the survivors and timeouts of an earlier
 *   report, and the mutants it lacks (new code), found again like ledger
 *   entries (by operator, text and source line); its kills are carried over
 *   into the scores.
 * - `--list` prints the mutants without running anything.
 * - `--ledger FILE` the equivalent-mutant ledger (default
 *   `tests/mutation/equivalent_mutants.json`, see `ledger.ts`).
 * - `--propose FILE` writes a ledger entry (reason to fill in) for each
 *   survivor the ledger does not name, or with `--list` for each listed mutant.
 *
 * A mutant is killed when a test fails, survives when all pass, and counts as
 * timed out (a kill: the bug made the tests hang) past three times the
 * unmutated run's time. A survivor the ledger names is equivalent. The raw
 * score is (killed + timed out) / tested; the adjusted score leaves the
 * documented equivalent mutants out: (killed + timed out) / (tested - equivalent).
 * A ledger entry whose mutant was killed is a ledger error (exit status 1);
 * a malformed ledger is a usage error (exit status 2).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { join, relative, resolve } from "node:path";
import { Rng } from "../../src/rng.ts";
import { NOT_MUTATED, testsForModule } from "./module_map.ts";
import { applyMutant, findMutants, type Mutant, OPERATOR_NAMES } from "./operators.ts";
import {
  DEFAULT_LEDGER_PATH,
  entryFor,
  type LedgerEntry,
  LedgerError,
  matchLedger,
  parseLedger,
  sourceLine,
} from "./ledger.ts";
import { type MutantOutcome, resolveTestFiles, Sandbox } from "./sandbox.ts";

/** The modules mutated when no `--module` is given. */
export const DEFAULT_MODULES: readonly string[] = [
  "src/pruning/",
  "src/nn/",
  "src/report/claims.ts",
  "src/report/statistics.ts",
  "src/runner/store.ts",
  "src/config/",
];

/** Files larger than this are generated (embedded WASM, tables), not hand-written logic. */
const LARGEST_MUTATED_FILE = 200_000;

/** One mutant with its outcome, as written to `--report`. */
export interface MutantResult extends Mutant {
  /** What the tests did with the mutant. */
  outcome: MutantOutcome;
  /** Wall time of the test run, in seconds. */
  seconds: number;
  /**
   * The trimmed source line the mutant starts on, so that `--rerun` finds the
   * mutant again after the file was edited (absent in reports of older versions).
   */
  source?: string;
  /** For a survivor the ledger names: the ledger's reason why it is equivalent. */
  equivalent?: string;
}

/** The counts of one module's pass. */
export interface ModuleScore {
  /** The mutated file. */
  file: string;
  /** Mutants tested (invalid ones excluded). */
  mutants: number;
  /** Mutants a test failed on. */
  killed: number;
  /** Mutants every test passed with that the ledger does not name. */
  survived: number;
  /** Mutants every test passed with that the ledger documents as equivalent. */
  equivalent: number;
  /** Mutants whose tests ran past the timeout. */
  timedOut: number;
  /** Mutants that did not parse (a tool bug; reported, never counted). */
  invalid: number;
}

/** The raw score: (killed + timed out) / tested, in percent; 100 when nothing was tested. */
export function scorePercent(score: ModuleScore): number {
  return score.mutants === 0 ? 100 : (100 * (score.killed + score.timedOut)) / score.mutants;
}

/**
 * The score excluding documented equivalent mutants:
 * (killed + timed out) / (tested - equivalent), in percent; 100 when nothing else was tested.
 */
export function adjustedScorePercent(score: ModuleScore): number {
  const counted = score.mutants - score.equivalent;
  return counted === 0 ? 100 : (100 * (score.killed + score.timedOut)) / counted;
}

/** Counts outcomes per file; a survivor with an `equivalent` reason counts as equivalent. */
export function scoreResults(file: string, results: readonly MutantResult[]): ModuleScore {
  const count = (outcome: MutantOutcome) => results.filter((r) => r.outcome === outcome).length;
  const invalid = count("invalid");
  const equivalent =
    results.filter((r) => r.outcome === "survived" && r.equivalent !== undefined).length;
  return {
    file,
    mutants: results.length - invalid,
    killed: count("killed"),
    survived: count("survived") - equivalent,
    equivalent,
    timedOut: count("timed out"),
    invalid,
  };
}

/**
 * Marks each survivor the ledger names as equivalent and returns the ledger
 * errors: the entries whose mutant a test killed (or hung), so it was not
 * equivalent after all.
 *
 * @param results the outcomes of the tested mutants (a sample or rerun is fine)
 * @param byMutant the ledger entry naming a mutant, keyed by {@link mutantKey}
 */
export function applyLedger(
  results: MutantResult[],
  byMutant: ReadonlyMap<string, LedgerEntry>,
): LedgerEntry[] {
  const errors: LedgerEntry[] = [];
  for (const result of results) {
    const entry = byMutant.get(mutantKey(result));
    if (entry === undefined) continue;
    if (result.outcome === "survived") result.equivalent = entry.reason;
    else if (result.outcome === "killed" || result.outcome === "timed out") errors.push(entry);
  }
  return errors;
}

/** One row of the summary table, or its header when `score` is omitted. */
export function summaryRow(score?: ModuleScore): string {
  const cells = score === undefined
    ? ["module", "mutants", "killed", "survived", "timeout", "equivalent", "raw", "adjusted"]
    : [
      score.file,
      String(score.mutants),
      String(score.killed),
      String(score.survived),
      String(score.timedOut),
      String(score.equivalent),
      `${scorePercent(score).toFixed(1)}%`,
      `${adjustedScorePercent(score).toFixed(1)}%`,
    ];
  const widths = [40, 7, 6, 8, 7, 10, 6, 8];
  return cells.map((cell, index) =>
    index === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[index])
  ).join(" ");
}

/**
 * At most `max` of `mutants`, drawn with a seeded generator and returned in
 * source order, so a given seed always picks the same ones.
 */
export function sampleMutants(mutants: readonly Mutant[], max: number, seed: string): Mutant[] {
  if (mutants.length <= max) return [...mutants];
  const order = new Rng(seed).permutation(mutants.length);
  const chosen = Array.from(order.subarray(0, max)).sort((first, second) => first - second);
  return chosen.map((index) => mutants[index]);
}

/** What `--rerun` does with each mutant of a file, given an earlier report. */
export interface RerunPlan {
  /** Indices of the mutants to test again: earlier survivors and timeouts, and mutants the
   * earlier report does not have (new or changed code). */
  rerun: Set<number>;
  /** The earlier outcome of each other mutant (killed, invalid), by index, carried over. */
  carried: Map<number, MutantResult>;
  /** Earlier results that match no mutant of the file now (their code changed or went). */
  gone: number;
}

/**
 * Matches an earlier report's results for one file with the file's mutants
 * now: like ledger entries (by operator, text and source line, nearest their
 * old line and column) when the report recorded source lines, else (reports
 * of older versions) by offsets, which hold only while the file is unchanged.
 * Survivors and timeouts (suspect on a loaded machine) are tested again, and
 * so is every mutant the report does not have; a kill is carried over.
 *
 * @param earlier the earlier results of this file
 * @param text the file's source text now
 * @param mutants every mutant of the file now
 */
export function rerunPlan(
  earlier: readonly MutantResult[],
  text: string,
  mutants: readonly Mutant[],
): RerunPlan {
  const matched = new Map<number, MutantResult>();
  const located = earlier.filter((result) => result.source !== undefined);
  const entries: LedgerEntry[] = located.map((result) => ({
    file: result.file,
    operator: result.operator,
    original: result.original,
    replacement: result.replacement,
    source: result.source as string,
    line: result.line,
    column: result.column,
    reason: "an earlier outcome",
  }));
  const resultOf = new Map(entries.map((entry, index) => [entry, located[index]]));
  for (const file of new Set(entries.map((entry) => entry.file))) {
    for (const [index, entry] of matchLedger(entries, file, text, mutants).byMutant) {
      matched.set(index, resultOf.get(entry) as MutantResult);
    }
  }
  const byKey = new Map(
    earlier.filter((result) => result.source === undefined).map((result) => [
      mutantKey(result),
      result,
    ]),
  );
  mutants.forEach((mutant, index) => {
    const result = byKey.get(mutantKey(mutant));
    if (result !== undefined && !matched.has(index)) matched.set(index, result);
  });
  const rerun = new Set<number>();
  const carried = new Map<number, MutantResult>();
  mutants.forEach((mutant, index) => {
    const result = matched.get(index);
    if (result === undefined || result.outcome === "survived" || result.outcome === "timed out") {
      rerun.add(index);
    } else {
      carried.set(index, {
        ...mutant,
        source: sourceLine(text, mutant),
        outcome: result.outcome,
        seconds: result.seconds,
      });
    }
  });
  return { rerun, carried, gone: earlier.length - matched.size };
}

/** A key that identifies a mutant across runs on the same source text. */
export function mutantKey(mutant: Mutant): string {
  return `${mutant.file}:${mutant.start}:${mutant.end}:${mutant.replacement}`;
}

/** The source files of a module argument: the file itself, or the `.ts` files under a folder. */
async function moduleFiles(root: string, module: string): Promise<string[]> {
  const path = join(root, module);
  const info = await Deno.stat(path);
  if (info.isFile) return [relative(root, path)];
  const files: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    for await (const entry of Deno.readDir(folder)) {
      const child = join(folder, entry.name);
      if (entry.isDirectory) await walk(child);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        if ((await Deno.stat(child)).size <= LARGEST_MUTATED_FILE) {
          files.push(relative(root, child));
        }
      }
    }
  };
  await walk(path);
  return files.sort();
}

/** The line of `text` around a mutant, before and after the change, for the survivor list. */
function describeChange(text: string, mutant: Mutant): string {
  const lineStart = text.lastIndexOf("\n", mutant.start - 1) + 1;
  const lineEndIndex = text.indexOf("\n", mutant.end);
  const lineEnd = lineEndIndex === -1 ? text.length : lineEndIndex;
  const before = text.slice(lineStart, lineEnd).trim();
  const after = (text.slice(lineStart, mutant.start) + mutant.replacement +
    text.slice(mutant.end, lineEnd)).trim();
  return `${before}\n      -> ${after}`;
}

/** Prints a usage error and exits with status 2, writing nothing. */
function usageError(message: string): never {
  console.error(`mutate: ${message}`);
  Deno.exit(2);
}

/** Runs the mutation passes the command line asks for. */
async function main(args: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        module: { type: "string", multiple: true },
        tests: { type: "string", multiple: true },
        max: { type: "string" },
        seed: { type: "string", default: "1" },
        jobs: { type: "string", default: "1" },
        report: { type: "string" },
        rerun: { type: "string" },
        list: { type: "boolean", default: false },
        ledger: { type: "string" },
        propose: { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    usageError((error as Error).message);
  }
  const options = parsed.values;
  const root = resolve(new URL("../..", import.meta.url).pathname);
  const max = options.max === undefined ? Infinity : Number(options.max);
  if (!(max >= 1) || (max !== Infinity && !Number.isInteger(max))) {
    usageError(`--max must be a positive integer, got ${options.max}`);
  }
  const jobs = Number(options.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) usageError(`--jobs must be a positive integer`);

  let earlierResults: MutantResult[] | null = null;
  if (options.rerun) {
    try {
      earlierResults = JSON.parse(await Deno.readTextFile(options.rerun)) as MutantResult[];
    } catch (error) {
      usageError(`--rerun ${options.rerun}: ${(error as Error).message}`);
    }
  }

  // The default ledger may be absent (no equivalent mutant documented yet); one named on the
  // command line must exist.
  const ledgerPath = options.ledger ?? join(root, DEFAULT_LEDGER_PATH);
  let ledger: LedgerEntry[] = [];
  try {
    ledger = parseLedger(await Deno.readTextFile(ledgerPath), ledgerPath, OPERATOR_NAMES);
  } catch (error) {
    if (error instanceof LedgerError) usageError(error.message);
    if (!(error instanceof Deno.errors.NotFound) || options.ledger !== undefined) {
      usageError(`--ledger ${ledgerPath}: ${(error as Error).message}`);
    }
  }

  const files: string[] = [];
  for (const module of options.module ?? DEFAULT_MODULES) {
    try {
      files.push(...await moduleFiles(root, module));
    } catch {
      usageError(`--module ${module}: no such file or folder in ${root}`);
    }
  }

  const plans: {
    file: string;
    text: string;
    mutants: Mutant[];
    tests: string[];
    /** Outcomes carried over from the `--rerun` report, not tested again. */
    carried: MutantResult[];
  }[] = [];
  const ledgerByMutant = new Map<string, LedgerEntry>();
  const staleEntries: LedgerEntry[] = [];
  for (const file of files) {
    if (NOT_MUTATED[file]) {
      console.log(`${file}: not mutated (${NOT_MUTATED[file]})`);
      continue;
    }
    const text = await Deno.readTextFile(join(root, file));
    const allMutants = findMutants(file, text);
    // Matched against every mutant of the file, so an entry is stale only when
    // the file as it is now has no such mutant, whatever --max or --rerun select.
    const match = matchLedger(ledger, file, text, allMutants);
    for (const [index, entry] of match.byMutant) {
      ledgerByMutant.set(mutantKey(allMutants[index]), entry);
    }
    staleEntries.push(...match.stale);
    let mutants = allMutants;
    let carried: MutantResult[] = [];
    if (earlierResults) {
      const plan = rerunPlan(
        earlierResults.filter((result) => result.file === file),
        text,
        allMutants,
      );
      mutants = allMutants.filter((_, index) => plan.rerun.has(index));
      carried = [...plan.carried.values()];
      console.log(
        `${file}: --rerun tests ${plan.rerun.size} mutants (earlier survivors and timeouts, ` +
          `and mutants the earlier report lacks) and carries over ${carried.length} earlier ` +
          `kills; ${plan.gone} earlier results match no mutant now (their code changed)`,
      );
    }
    mutants = sampleMutants(mutants, max, `${options.seed}/${file}`);
    let tests: string[];
    try {
      tests = await resolveTestFiles(root, options.tests ?? testsForModule(file));
    } catch (error) {
      usageError(`${file}: ${(error as Error).message}`);
    }
    plans.push({ file, text, mutants, tests, carried });
  }

  const printStale = () => {
    for (const entry of staleEntries) {
      console.log(
        `  LEDGER STALE ${entry.file}:${entry.line}:${entry.column} [${entry.operator}] ` +
          `${JSON.stringify(entry.original)} -> ${JSON.stringify(entry.replacement)} ` +
          `in ${JSON.stringify(entry.source)}: no such mutant in the file now`,
      );
    }
  };
  const propose = async (mutants: { plan: { text: string }; mutant: Mutant }[]) => {
    if (!options.propose) return;
    const entries = mutants.map(({ plan, mutant }) => entryFor(plan.text, mutant, "TODO"));
    await Deno.writeTextFile(options.propose, JSON.stringify(entries, null, 2) + "\n");
    console.log(`${entries.length} proposed ledger entries written to ${options.propose}`);
  };

  if (options.list) {
    const unlisted: { plan: { text: string }; mutant: Mutant }[] = [];
    for (const plan of plans) {
      console.log(`${plan.file}: ${plan.mutants.length} mutants; tests ${plan.tests.join(" ")}`);
      for (const mutant of plan.mutants) {
        const isEquivalent = ledgerByMutant.has(mutantKey(mutant));
        if (!isEquivalent) unlisted.push({ plan, mutant });
        console.log(
          `  ${mutant.line}:${mutant.column} [${mutant.operator}]${
            isEquivalent ? " (equivalent, in the ledger)" : ""
          } ${describeChange(plan.text, mutant)}`,
        );
      }
    }
    printStale();
    await propose(unlisted);
    return;
  }

  const sandboxes = await Promise.all(
    Array.from({ length: jobs }, () => Sandbox.create(root)),
  );
  // Interrupted (Ctrl-C, a job's time limit): leave no copy and no test run behind.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      for (const sandbox of sandboxes) sandbox.abandon();
      console.error(`mutate: interrupted by ${signal}; temporary copies removed`);
      Deno.exit(130);
    });
  }
  const allResults: MutantResult[] = [];
  const scores: ModuleScore[] = [];
  const ledgerErrors: LedgerEntry[] = [];
  const unlistedSurvivors: { plan: { text: string }; mutant: Mutant }[] = [];
  try {
    for (const plan of plans) {
      if (plan.mutants.length === 0) {
        ledgerErrors.push(...applyLedger(plan.carried, ledgerByMutant));
        allResults.push(...plan.carried);
        scores.push(scoreResults(plan.file, plan.carried));
        continue;
      }
      const baseline = await sandboxes[0].runTests(plan.tests, 600);
      if (baseline.outcome !== "survived") {
        console.error(
          `${plan.file}: the unmutated tests fail (${baseline.outcome}); skipped.\n` +
            baseline.output.slice(-2000),
        );
        continue;
      }
      const timeout = Math.max(30, 3 * baseline.seconds);
      console.log(
        `${plan.file}: ${plan.mutants.length} mutants, tests ${plan.tests.join(" ")} ` +
          `(unmutated ${baseline.seconds.toFixed(1)} s, timeout ${timeout.toFixed(0)} s)`,
      );
      const tested: MutantResult[] = new Array(plan.mutants.length);
      let next = 0;
      const worker = async (sandbox: Sandbox) => {
        while (next < plan.mutants.length) {
          const index = next++;
          const mutant = plan.mutants[index];
          await sandbox.write(plan.file, applyMutant(plan.text, mutant));
          const run = await sandbox.runTests(plan.tests, timeout);
          tested[index] = {
            ...mutant,
            source: sourceLine(plan.text, mutant),
            outcome: run.outcome,
            seconds: run.seconds,
          };
          console.log(
            `  [${index + 1}/${plan.mutants.length}] ${run.outcome.padEnd(9)} ` +
              `${mutant.line}:${mutant.column} ${mutant.operator}: ` +
              `${JSON.stringify(mutant.original)} -> ${JSON.stringify(mutant.replacement)}`,
          );
        }
        await sandbox.write(plan.file, plan.text);
      };
      await Promise.all(sandboxes.map(worker));
      // A rerun scores the whole file: the new outcomes with the kills carried over.
      const results = [...tested, ...plan.carried].sort((first, second) =>
        first.start - second.start || first.end - second.end
      );
      const errors = applyLedger(results, ledgerByMutant);
      ledgerErrors.push(...errors);
      allResults.push(...results);
      const score = scoreResults(plan.file, results);
      scores.push(score);
      for (const result of results.filter((r) => r.outcome === "survived")) {
        if (result.equivalent === undefined) unlistedSurvivors.push({ plan, mutant: result });
        console.log(
          `  ${result.equivalent === undefined ? "SURVIVED" : "EQUIVALENT"} ` +
            `${result.file}:${result.line}:${result.column} [${result.operator}] ` +
            describeChange(plan.text, result),
        );
      }
      for (const entry of errors) {
        console.log(
          `  LEDGER ERROR ${entry.file}:${entry.line}:${entry.column} [${entry.operator}] ` +
            `${JSON.stringify(entry.original)} -> ${JSON.stringify(entry.replacement)} ` +
            `in ${JSON.stringify(entry.source)}: listed as equivalent, but a test killed it`,
        );
      }
      for (const result of results.filter((r) => r.outcome === "invalid")) {
        console.log(`  INVALID ${result.file}:${result.line}:${result.column} (tool bug)`);
      }
    }
  } finally {
    await Promise.all(sandboxes.map((sandbox) => sandbox.remove()));
  }

  if (options.report) {
    await Deno.writeTextFile(options.report, JSON.stringify(allResults, null, 1) + "\n");
  }
  await propose(unlistedSurvivors);
  printStale();
  const carriedCount = plans.reduce((sum, plan) => sum + plan.carried.length, 0);
  if (earlierResults) {
    console.log(
      `\nScores include ${carriedCount} kills carried over from ${options.rerun} ` +
        `(a rerun against that report, not a full pass).`,
    );
  }
  console.log("\n" + summaryRow());
  const total: ModuleScore = {
    file: "total",
    mutants: 0,
    killed: 0,
    survived: 0,
    equivalent: 0,
    timedOut: 0,
    invalid: 0,
  };
  for (const score of [...scores, total]) {
    if (score !== total) {
      total.mutants += score.mutants;
      total.killed += score.killed;
      total.survived += score.survived;
      total.equivalent += score.equivalent;
      total.timedOut += score.timedOut;
      total.invalid += score.invalid;
    }
    console.log(summaryRow(score));
  }
  if (ledgerErrors.length > 0) {
    console.error(
      `mutate: ${ledgerErrors.length} ledger entries name mutants a test killed; ` +
        `remove them from ${ledgerPath}`,
    );
    Deno.exit(1);
  }
}

if (import.meta.main) await main(Deno.args);
