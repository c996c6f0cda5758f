/**
 * A study: a set of experiment files run under one profile, from validation
 * to report. This is what `reproduce` and `run` do, kept out of the CLI so
 * that the CLI only parses and prints.
 *
 * Order matters for the "no partial results" rule: every file is validated
 * and every dataset located before the first run starts; a bad file or a
 * missing dataset stops the study with nothing written.
 *
 * @module
 */
import { join } from "node:path";
import { expandExperiment } from "../config/grid.ts";
import type { Experiment } from "../config/experiment.ts";
import { loadExperimentFile } from "../config/parse_experiment.ts";
import type { SettingOverride } from "../config/overrides.ts";
import { runId, sha256Hex } from "../config/run_id.ts";
import type { RunResult, RunSpec } from "../config/types.ts";
import { loadDataset } from "../data/registry.ts";
import { writeReport } from "../report/write_report.ts";
import type { ClaimsFile } from "../config/claims_schema.ts";
import { isClaimsFileName } from "../config/parse_claims.ts";
import { readGitState } from "../report/git_commit.ts";
import { TOOL_VERSION } from "../version.ts";
import { writeFileAtomic } from "../atomic_file.ts";
import { ResultStore } from "./store.ts";
import { runSweep, type SweepSummary } from "./sweep.ts";
import { type Shard, shardRuns } from "./shard.ts";
import { TFJS_VERSION } from "../nn/tf.ts";

/** Settings of a study. */
export interface StudyOptions {
  /** Experiment files, in order. */
  files: string[];
  /** Profile applied to every file (files without profiles ignore it). */
  profile?: string;
  /** Where tables/, figures/, REPORT.md and manifest.json go. */
  outDir: string;
  /** Where run results are stored (default `<outDir>/runs`). */
  storeDir?: string;
  /** Parallel workers. */
  workers?: number;
  /** Recompute stored runs. */
  force?: boolean;
  /** Directory the data layer looks in first. */
  dataDir?: string;
  /** Stops the sweep when aborted. */
  signal?: AbortSignal;
  /** No progress display. */
  quiet?: boolean;
  /** Lease of the store's claims in seconds (see lease.ts; default from the environment). */
  leaseSeconds?: number;
  /**
   * Compute only this shard of the runs (see shard.ts) and write no report:
   * the other shards' runs are computed elsewhere, and the report is written
   * once all are stored.
   */
  shard?: Shard;
  /** Settings overridden in every file (`--set PATH=VALUE`), part of the run ids. */
  overrides?: readonly SettingOverride[];
  /** Claims files the report judges (none: the report judges no claim). */
  claims?: readonly ClaimsFile[];
}

/** A validated study, ready to run. */
export interface PreparedStudy {
  /** The experiments, validated. */
  experiments: { experiment: Experiment; hash: string }[];
  /** Every run of every experiment. */
  specs: RunSpec[];
}

/** What a study did. */
export interface StudyOutcome {
  /** The sweep's counts. */
  sweep: SweepSummary;
  /** Files the report wrote (relative to the output directory). */
  reportFiles: string[];
  /** Seconds from start to end. */
  seconds: number;
}

/**
 * Validates every file and checks every dataset the runs need is available.
 * Throws the first ConfigError or DataError; writes nothing.
 */
export async function prepareStudy(
  files: string[],
  profile: string | undefined,
  dataDir?: string,
  checkData = true,
  overrides: readonly SettingOverride[] = [],
): Promise<PreparedStudy> {
  const experiments: PreparedStudy["experiments"] = [];
  const specs: RunSpec[] = [];
  const names = new Map<string, string>();
  for (const file of files) {
    const experiment = await loadExperimentFile(file, { profile, set: overrides });
    const earlier = names.get(experiment.name);
    if (earlier !== undefined) {
      throw Object.assign(
        new Error(`${file}: $.name: "${experiment.name}" is already the name of ${earlier}`),
        { exitCode: 2 },
      );
    }
    names.set(experiment.name, file);
    experiments.push({ experiment, hash: sha256Hex(await Deno.readTextFile(file)) });
    specs.push(...expandExperiment(experiment));
  }
  const datasets = [...new Set(specs.map((spec) => spec.dataset))].sort();
  if (checkData) { for (const dataset of datasets) await loadDataset(dataset, { dataDir }); }
  return { experiments, specs };
}

/** Reads the stored results of a study's runs (those present). */
export async function readStudyResults(
  specs: RunSpec[],
  store: ResultStore,
): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (const spec of specs) {
    const result = await store.read(spec);
    if (result) results.push(result);
  }
  return results;
}

/** What a study's report was written from. */
export interface StudyReport {
  /** Files written (relative to the output directory). */
  files: string[];
  /** Distinct runs of the study found in the store. */
  stored: number;
  /** Distinct runs the study has (a run two experiments share counts once, as in `--dry-run`). */
  expected: number;
}

/**
 * Writes the tables, figures and REPORT.md of a study's stored results; a
 * report of some of the runs says "N of M runs stored" and is marked
 * incomplete. Throws (exit code 2, nothing written) when none is stored,
 * rather than overwrite a report with an empty one. `claims` are the claims
 * files the report judges.
 */
export async function reportStudy(
  prepared: PreparedStudy,
  store: ResultStore,
  outDir: string,
  profile: string | undefined,
  claims: readonly ClaimsFile[] = [],
): Promise<StudyReport> {
  const results = await readStudyResults(prepared.specs, store);
  // Counted as --dry-run counts them: a run that two experiments share is one run.
  const expected = new Set(prepared.specs.map(runId)).size;
  const stored = new Set(results.map((result) => result.runId)).size;
  if (stored === 0) {
    throw Object.assign(
      new Error(
        `no stored runs in ${store.root}: none of the study's ${expected} runs has a result ` +
          "there, so there is nothing to report (compute them with run or reproduce and " +
          "the same --profile and --out)",
      ),
      { exitCode: 2 },
    );
  }
  const { files } = await writeReport(results, outDir, {
    expectedRuns: expected,
    profile: profile ?? "none",
    experiments: prepared.experiments.map(({ experiment, hash }) => ({
      name: experiment.name,
      file: experiment.file,
      hash: hash.slice(0, 16),
    })),
    versions: {
      tool: TOOL_VERSION,
      tfjs: TFJS_VERSION,
      backend: [...new Set(prepared.specs.map((spec) => spec.backend))].sort().join(", "),
    },
    claims,
  });
  return { files, stored, expected };
}

/** Runs a study: validate, sweep, report, manifest. */
export async function runStudy(options: StudyOptions): Promise<StudyOutcome> {
  const started = performance.now();
  const prepared = await prepareStudy(
    options.files,
    options.profile,
    options.dataDir,
    true,
    options.overrides,
  );
  const store = new ResultStore(options.storeDir ?? join(options.outDir, "runs"), {
    leaseSeconds: options.leaseSeconds,
  });
  const specs = options.shard === undefined
    ? prepared.specs
    : shardRuns(prepared.specs, options.shard);
  const sweep = await runSweep(specs, store, {
    workers: options.workers,
    force: options.force,
    dataDir: options.dataDir,
    signal: options.signal,
    quiet: options.quiet,
  });
  if (sweep.interrupted || options.shard !== undefined) {
    return { sweep, reportFiles: [], seconds: (performance.now() - started) / 1000 };
  }
  const { files: reportFiles } = await reportStudy(
    prepared,
    store,
    options.outDir,
    options.profile,
    options.claims,
  );
  const seconds = (performance.now() - started) / 1000;
  await writeFileAtomic(
    join(options.outDir, "manifest.json"),
    JSON.stringify(
      {
        tool: TOOL_VERSION,
        // The commit lives here only: REPORT.md, tables and figures must not depend on it.
        git: await readGitState(),
        deno: Deno.version.deno,
        v8: Deno.version.v8,
        tfjs: TFJS_VERSION,
        backends: [...new Set(prepared.specs.map((spec) => spec.backend))].sort(),
        machine: {
          os: Deno.build.os,
          arch: Deno.build.arch,
          cpus: navigator.hardwareConcurrency,
        },
        profile: options.profile ?? null,
        overrides: (options.overrides ?? []).map(({ path, value }) => ({ path, value })),
        experiments: prepared.experiments.map(({ experiment, hash }) => ({
          name: experiment.name,
          file: experiment.file,
          sha256: hash,
          runs: prepared.specs.filter((spec) => spec.experiment === experiment.name).length,
        })),
        runs: { total: sweep.total, computed: sweep.computed, reused: sweep.skipped },
        seconds: Math.round(seconds * 10) / 10,
        finishedAt: new Date().toISOString(),
      },
      null,
      2,
    ) + "\n",
  );
  return { sweep, reportFiles, seconds };
}

/** The experiment files a profile of `reproduce` runs: the paper's, then the baselines'. */
export async function reproductionFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  for (const folder of ["paper", "baselines"]) {
    const directory = join(root, folder);
    const names: string[] = [];
    try {
      for await (const entry of Deno.readDir(directory)) {
        // A claims file beside the experiments is not an experiment.
        if (entry.isFile && entry.name.endsWith(".json") && !isClaimsFileName(entry.name)) {
          names.push(entry.name);
        }
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      // A mistyped --experiments is bad input, not a failure while running.
      throw Object.assign(new Error(`${directory}: no such folder of experiment files`), {
        exitCode: 2,
      });
    }
    files.push(...names.sort().map((name) => join(directory, name)));
  }
  return files;
}
