/**
 * `verify [FILE...] [--profile NAME] [--set PATH=VALUE] [--out DIR] [--sample N] [--seed S]
 * [--run ID...] [--data-dir DIR]`:
 * recomputes a seeded random sample of a study's stored runs (default 3, seed
 * 1), or the stored runs named with `--run`, and compares each with its
 * stored result bit for bit (see
 * runner/verify.ts for what is compared). One line per run: id, settings,
 * match or mismatch, time. Exit 0 when all match, 1 naming every mismatch, 2
 * when the store, its runs or a dataset is missing. It chooses its study as
 * `report` does: the named files, else with only `--out DIR` the study DIR's
 * manifest records, else the `reproduce` study.
 *
 * @module
 */
import { join } from "node:path";
import { cachingDataProvider } from "../runner/run_one.ts";
import { ResultStore } from "../runner/store.ts";
import { prepareStudy } from "../runner/study.ts";
import { describeRun } from "../runner/sweep.ts";
import { sampleRuns, storedRuns, verifyRun } from "../runner/verify.ts";
import { runId } from "../config/run_id.ts";
import type { RunSpec } from "../config/types.ts";
import { type OptionValue, parseCommandLine, positiveInteger, stringOption } from "./options.ts";
import { storedStudy } from "./report.ts";
import { announceStudy } from "./chosen_study.ts";
import { UsageError } from "./usage_error.ts";

/** Runs verified when `--sample` is not given. */
export const DEFAULT_SAMPLE = 3;

/** Seed of the sample when `--seed` is not given. */
export const DEFAULT_SEED = 1;

function seedOption(value: OptionValue): number {
  if (value === undefined) return DEFAULT_SEED;
  const seed = Number(value);
  if (typeof value !== "string" || !Number.isSafeInteger(seed) || seed < 0) {
    throw new UsageError(`verify: --seed must be a non-negative integer, got "${value}"`);
  }
  return seed;
}

/** The ids given with `--run`, without repeats, or undefined when none was. */
function namedRuns(value: OptionValue): string[] | undefined {
  if (value === undefined) return undefined;
  const ids = Array.isArray(value) ? value : [String(value)];
  for (const id of ids) {
    if (!/^[0-9a-f]{16}$/.test(id)) {
      throw new UsageError(`verify: --run must be a run id (16 hex digits), got "${id}"`);
    }
  }
  return [...new Set(ids)];
}

/**
 * The stored runs with the named ids, in the order named.
 *
 * @throws UsageError naming every id that is not a stored run of the study
 */
function chooseRuns(
  stored: readonly RunSpec[],
  ids: readonly string[],
  storeDir: string,
): RunSpec[] {
  const byId = new Map(stored.map((spec) => [runId(spec), spec]));
  const absent = ids.filter((id) => !byId.has(id));
  if (absent.length > 0) {
    throw new UsageError(
      `verify: --run ${absent.join(", ")}: not a stored run of this study in ${storeDir}`,
    );
  }
  return ids.map((id) => byId.get(id)!);
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/** Runs the command; returns the exit code. */
export async function verifyCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    "verify",
    args,
    {
      profile: {
        type: "string",
        valueName: "NAME",
        description: "the profile the runs were computed under",
        defaultValue: "DIR's manifest with only --out; else quick without files, none with files",
      },
      out: {
        type: "string",
        valueName: "DIR",
        description: "the study's folder: stored runs are read from DIR/runs",
        defaultValue: "results/<profile> without files, out with files",
      },
      sample: {
        type: "string",
        valueName: "N",
        description: "how many stored runs to recompute",
        defaultValue: String(DEFAULT_SAMPLE),
      },
      seed: {
        type: "string",
        valueName: "S",
        description: "seed of the random sample",
        defaultValue: String(DEFAULT_SEED),
      },
      run: {
        type: "string",
        valueName: "ID",
        multiple: true,
        description: "recompute this stored run (its id) instead of a sample",
      },
      set: {
        type: "string",
        valueName: "PATH=VALUE",
        multiple: true,
        description: "the settings overridden when the runs were computed (see run --help)",
        defaultValue: "DIR's manifest with only --out; else none",
      },
      "data-dir": { type: "string", valueName: "DIR", description: "look for datasets here first" },
    },
    true,
    {
      usage: "verify [FILE...] [options]",
      summary: "Recomputes a seeded random sample of a study's stored runs and compares each " +
        "with its stored result bit for bit: exit 0 when all match, 1 naming any mismatch. " +
        "With only --out DIR it checks the study DIR's manifest.json records.",
    },
  );
  const sample = positiveInteger("verify", "sample", values.sample) ?? DEFAULT_SAMPLE;
  const seed = seedOption(values.seed);
  const named = namedRuns(values.run);
  if (named !== undefined && (values.sample !== undefined || values.seed !== undefined)) {
    throw new UsageError(
      "verify: --run names the runs; it cannot be combined with --sample or --seed",
    );
  }
  const study = await storedStudy(positionals, values);
  const { files, profile, overrides, outDir } = study;
  const dataDir = stringOption(values["data-dir"]);
  const prepared = await prepareStudy(files, profile, dataDir, false, overrides);
  announceStudy(study);
  const storeDir = join(outDir, "runs");
  if (!(await isDirectory(storeDir))) {
    throw new UsageError(
      `verify: ${storeDir}: no result store (run the study first, or name its directory with --out)`,
    );
  }
  const store = new ResultStore(storeDir);
  const stored = await storedRuns(prepared.specs, store);
  if (stored.length === 0) {
    throw new UsageError(`verify: ${storeDir}: holds no stored run of this study`);
  }
  const chosen = named === undefined
    ? sampleRuns(stored, sample, seed)
    : chooseRuns(stored, named, storeDir);
  // Every dataset the sample needs, before the first recomputation (a missing one is exit 2).
  const data = cachingDataProvider({ dataDir });
  for (const dataset of [...new Set(chosen.map((spec) => spec.dataset))].sort()) {
    await data.dataset(dataset);
  }
  console.log(
    `verifying ${chosen.length} of ${stored.length} stored runs in ${storeDir} ` +
      (named === undefined ? `(seed ${seed})` : "(named with --run)"),
  );
  const mismatches: string[] = [];
  for (const spec of chosen) {
    const outcome = await verifyRun(spec, store, data);
    const id = runId(spec);
    console.log(
      `${id}  ${describeRun(spec)}  ${outcome.match ? "match" : "MISMATCH"}  ` +
        `${outcome.seconds.toFixed(1)} s`,
    );
    for (const difference of outcome.differences) {
      console.log(
        `  ${difference.path}: stored ${difference.stored}, recomputed ${difference.recomputed}`,
      );
    }
    if (outcome.versionNote !== undefined) console.log(`  versions: ${outcome.versionNote}`);
    if (!outcome.match) mismatches.push(id);
  }
  if (mismatches.length > 0) {
    console.error(
      `verify: ${mismatches.length} of ${chosen.length} runs differ from their stored results: ` +
        mismatches.join(", "),
    );
    return 1;
  }
  console.log(`all ${chosen.length} runs match their stored results`);
  return 0;
}
