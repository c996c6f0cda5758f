/**
 * A study's plan, for `--dry-run`: every run of every experiment, whether it
 * is already stored, and what the missing ones would cost, estimated from
 * measured epoch times (cost_estimate.ts). Nothing is computed or written,
 * and datasets are not loaded: a plan needs only the experiment files and
 * the store.
 *
 * @module
 */
import { join } from "node:path";
import { runId } from "../config/run_id.ts";
import type { RunSpec } from "../config/types.ts";
import { estimatedRunSeconds } from "./cost_estimate.ts";
import { type Shard, shardRuns } from "./shard.ts";
import { ResultStore } from "./store.ts";
import { prepareStudy, type StudyOptions } from "./study.ts";

/** One run as a plan shows it. */
export interface PlannedRun {
  /** The run's settings. */
  spec: RunSpec;
  /** Its id (the hash of its settings). */
  runId: string;
  /** Whether its result is in the store. */
  stored: boolean;
  /** Whether the study would compute it (missing, or every run under `force`). */
  computes: boolean;
  /** Estimated seconds on one core. */
  estimatedSeconds: number;
}

/** One experiment's runs in a plan. */
export interface PlannedExperiment {
  /** The experiment's name. */
  name: string;
  /** The file it was read from. */
  file: string;
  /** Its runs, in grid order (in a shard: the shard's runs only). */
  runs: PlannedRun[];
}

/** What a study would do. */
export interface StudyPlan {
  /** The directory the plan looked for stored runs in. */
  storeDir: string;
  /** The experiments and their runs. */
  experiments: PlannedExperiment[];
  /** Distinct runs in the plan (a run two experiments share counts once). */
  total: number;
  /** Of which stored. */
  stored: number;
  /** Of which not stored. */
  missing: number;
  /** Estimated core-hours of the runs the study would compute. */
  coreHours: number;
}

/** The settings a plan reads from a study's options. */
export type PlanOptions = Pick<
  StudyOptions,
  "files" | "profile" | "outDir" | "storeDir" | "force" | "shard" | "overrides"
>;

/**
 * Plans a study: validates every file (throwing the first ConfigError, as a
 * real run would) and looks up each run in the store.
 */
export async function planStudy(options: PlanOptions): Promise<StudyPlan> {
  const prepared = await prepareStudy(
    options.files,
    options.profile,
    undefined,
    false,
    options.overrides,
  );
  const storeDir = options.storeDir ?? join(options.outDir, "runs");
  const store = new ResultStore(storeDir);
  const included = selectedRuns(prepared.specs, options.shard);
  const experiments: PlannedExperiment[] = [];
  for (const { experiment } of prepared.experiments) {
    const runs: PlannedRun[] = [];
    for (const spec of prepared.specs) {
      if (spec.experiment !== experiment.name) continue;
      const id = runId(spec);
      if (!included.has(id)) continue;
      const stored = await store.has(spec);
      runs.push({
        spec,
        runId: id,
        stored,
        computes: options.force === true || !stored,
        estimatedSeconds: estimatedRunSeconds(spec),
      });
    }
    experiments.push({ name: experiment.name, file: experiment.file, runs });
  }
  // Experiments that ask for the same run share it (one id, computed once):
  // the totals count each run once, as the sweep does.
  const all = [
    ...new Map(experiments.flatMap((experiment) => experiment.runs).map((run) => [run.runId, run]))
      .values(),
  ];
  const stored = all.filter((run) => run.stored).length;
  const seconds = all.filter((run) => run.computes)
    .reduce((sum, run) => sum + run.estimatedSeconds, 0);
  return {
    storeDir,
    experiments,
    total: all.length,
    stored,
    missing: all.length - stored,
    coreHours: seconds / 3600,
  };
}

/** How a recorded study compares with its experiment files as they are now. */
export type CurrentFilesDifference =
  | {
    /** The current files could be planned. */
    readable: true;
    /** Runs the current files have that the recorded study has not. */
    added: number;
    /** Of the added runs, those already in the store. */
    addedStored: number;
    /** Runs of the recorded study that the current files no longer have. */
    dropped: number;
    /** Recorded files that no longer exist (their runs count as dropped). */
    missingFiles: string[];
  }
  | {
    /** The current files could not be planned. */
    readable: false;
    /** Why (the first file's error, as a real run would print it). */
    reason: string;
  };

/**
 * What a recorded study's experiment files, as they are now (`current`),
 * would add to the study (`options.files`, its recorded copies) and drop
 * from it, under the same profile and overrides; the whole study is
 * compared, whatever shard is planned. Files that no longer exist are left
 * out (their runs dropped). A current file that no longer validates makes
 * the difference unreadable, not the plan: the recorded study is still what
 * the folder holds.
 */
export async function compareWithCurrentFiles(
  options: Pick<StudyOptions, "files" | "profile" | "overrides" | "outDir" | "storeDir">,
  current: readonly string[],
): Promise<CurrentFilesDifference> {
  const present: string[] = [];
  const missingFiles: string[] = [];
  for (const file of current) {
    const exists = await Deno.stat(file).then((info) => info.isFile, () => false);
    (exists ? present : missingFiles).push(file);
  }
  let specs: RunSpec[];
  try {
    specs = (await prepareStudy(present, options.profile, undefined, false, options.overrides))
      .specs;
  } catch (error) {
    return { readable: false, reason: error instanceof Error ? error.message : String(error) };
  }
  const recorded = new Set(
    (await prepareStudy(options.files, options.profile, undefined, false, options.overrides))
      .specs.map(runId),
  );
  const now = new Map(specs.map((spec) => [runId(spec), spec]));
  const store = new ResultStore(options.storeDir ?? join(options.outDir, "runs"));
  let added = 0;
  let addedStored = 0;
  for (const [id, spec] of now) {
    if (recorded.has(id)) continue;
    added++;
    if (await store.has(spec)) addedStored++;
  }
  const dropped = [...recorded].filter((id) => !now.has(id)).length;
  return { readable: true, added, addedStored, dropped, missingFiles };
}

/** Ids of the runs a (sharded) study computes. */
function selectedRuns(specs: RunSpec[], shard: Shard | undefined): Set<string> {
  return new Set((shard === undefined ? specs : shardRuns(specs, shard)).map(runId));
}
