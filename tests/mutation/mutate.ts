/**
 * The mutation tool (`deno task mutate`): puts small deliberate bugs into the
 * modules the results depend on, one at a time, in a throwaway copy of the
 * repository, runs the tests that guard each module, and prints per module how
 * many bugs the tests caught.
 *
 * ```
 * deno task mutate [--module PATH]... [--tests ENTRY]... [--max N] [--seed S]
 *                  [--jobs N] [--report FILE] [--rerun FILE] [--list]
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
 * - `--rerun FILE` runs only the mutants that survived in an earlier report.
 * - `--list` prints the mutants without running anything.
 *
 * A mutant is killed when a test fails, survives when all pass, and counts as
 * timed out (a kill: the bug made the tests hang) past three times the
 * unmutated run's time. The score is (killed + timed out) / tested.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { join, relative, resolve } from "node:path";
import { Rng } from "../../src/rng.ts";
import { NOT_MUTATED, testsForModule } from "./module_map.ts";
import { applyMutant, findMutants, type Mutant } from "./operators.ts";
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
}

/** The counts of one module's pass. */
export interface ModuleScore {
  /** The mutated file. */
  file: string;
  /** Mutants tested (invalid ones excluded). */
  mutants: number;
  /** Mutants a test failed on. */
  killed: number;
  /** Mutants every test passed with. */
  survived: number;
  /** Mutants whose tests ran past the timeout. */
  timedOut: number;
  /** Mutants that did not parse (a tool bug; reported, never counted). */
  invalid: number;
}

/** (killed + timed out) / tested, in percent; 100 when nothing was tested. */
export function scorePercent(score: ModuleScore): number {
  return score.mutants === 0 ? 100 : (100 * (score.killed + score.timedOut)) / score.mutants;
}

/** Counts outcomes per file. */
export function scoreResults(file: string, results: readonly MutantResult[]): ModuleScore {
  const count = (outcome: MutantOutcome) => results.filter((r) => r.outcome === outcome).length;
  const invalid = count("invalid");
  return {
    file,
    mutants: results.length - invalid,
    killed: count("killed"),
    survived: count("survived"),
    timedOut: count("timed out"),
    invalid,
  };
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

/** A key that identifies a mutant across runs on the same source text. */
function mutantKey(mutant: Mutant): string {
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

  let rerunKeys: Set<string> | null = null;
  if (options.rerun) {
    try {
      const earlier = JSON.parse(await Deno.readTextFile(options.rerun)) as MutantResult[];
      rerunKeys = new Set(earlier.filter((r) => r.outcome === "survived").map(mutantKey));
    } catch (error) {
      usageError(`--rerun ${options.rerun}: ${(error as Error).message}`);
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

  const plans: { file: string; text: string; mutants: Mutant[]; tests: string[] }[] = [];
  for (const file of files) {
    if (NOT_MUTATED[file]) {
      console.log(`${file}: not mutated (${NOT_MUTATED[file]})`);
      continue;
    }
    const text = await Deno.readTextFile(join(root, file));
    let mutants = findMutants(file, text);
    if (rerunKeys) mutants = mutants.filter((mutant) => rerunKeys.has(mutantKey(mutant)));
    mutants = sampleMutants(mutants, max, `${options.seed}/${file}`);
    let tests: string[];
    try {
      tests = await resolveTestFiles(root, options.tests ?? testsForModule(file));
    } catch (error) {
      usageError(`${file}: ${(error as Error).message}`);
    }
    plans.push({ file, text, mutants, tests });
  }

  if (options.list) {
    for (const plan of plans) {
      console.log(`${plan.file}: ${plan.mutants.length} mutants; tests ${plan.tests.join(" ")}`);
      for (const mutant of plan.mutants) {
        console.log(
          `  ${mutant.line}:${mutant.column} [${mutant.operator}] ${
            describeChange(plan.text, mutant)
          }`,
        );
      }
    }
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
  try {
    for (const plan of plans) {
      if (plan.mutants.length === 0) {
        scores.push(scoreResults(plan.file, []));
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
      const results: MutantResult[] = new Array(plan.mutants.length);
      let next = 0;
      const worker = async (sandbox: Sandbox) => {
        while (next < plan.mutants.length) {
          const index = next++;
          const mutant = plan.mutants[index];
          await sandbox.write(plan.file, applyMutant(plan.text, mutant));
          const run = await sandbox.runTests(plan.tests, timeout);
          results[index] = { ...mutant, outcome: run.outcome, seconds: run.seconds };
          console.log(
            `  [${index + 1}/${plan.mutants.length}] ${run.outcome.padEnd(9)} ` +
              `${mutant.line}:${mutant.column} ${mutant.operator}: ` +
              `${JSON.stringify(mutant.original)} -> ${JSON.stringify(mutant.replacement)}`,
          );
        }
        await sandbox.write(plan.file, plan.text);
      };
      await Promise.all(sandboxes.map(worker));
      allResults.push(...results);
      const score = scoreResults(plan.file, results);
      scores.push(score);
      for (const result of results.filter((r) => r.outcome === "survived")) {
        console.log(
          `  SURVIVED ${result.file}:${result.line}:${result.column} [${result.operator}] ` +
            describeChange(plan.text, result),
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
  console.log("\nmodule                                   mutants killed survived timeout score");
  const total: ModuleScore = {
    file: "total",
    mutants: 0,
    killed: 0,
    survived: 0,
    timedOut: 0,
    invalid: 0,
  };
  for (const score of [...scores, total]) {
    if (score !== total) {
      total.mutants += score.mutants;
      total.killed += score.killed;
      total.survived += score.survived;
      total.timedOut += score.timedOut;
      total.invalid += score.invalid;
    }
    console.log(
      `${score.file.padEnd(40)} ${String(score.mutants).padStart(7)} ` +
        `${String(score.killed).padStart(6)} ${String(score.survived).padStart(8)} ` +
        `${String(score.timedOut).padStart(7)} ${scorePercent(score).toFixed(1).padStart(5)}%`,
    );
  }
}

if (import.meta.main) await main(Deno.args);
