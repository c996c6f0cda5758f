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
import {
  type ExperimentOptions,
  parseExperimentText,
  readExperimentText,
} from "../config/parse_experiment.ts";
import { ConfigError } from "../config/errors.ts";
import type { SettingOverride } from "../config/overrides.ts";
import { runId, sha256Hex } from "../config/run_id.ts";
import type { RunResult, RunSpec } from "../config/types.ts";
import { loadDataset } from "../data/registry.ts";
import { writeReport } from "../report/write_report.ts";
import type { ClaimsFile } from "../config/claims_schema.ts";
import { isClaimsFileName } from "../config/parse_claims.ts";
import { readGitState } from "../report/git_commit.ts";
import { TOOL_VERSION } from "../version.ts";
import { ResultStore } from "./store.ts";
import { runSweep, type SweepSummary } from "./sweep.ts";
import { type Shard, shardRuns } from "./shard.ts";
import { TFJS_VERSION } from "../nn/tf.ts";
import { type ExperimentSource, writeStudyRecord } from "./study_record.ts";

export type { ExperimentSource } from "./study_record.ts";

/** Settings of a study. */
export interface StudyOptions {
  /**
   * Experiment files, in order: a path is read from disk; a source (a
   * study's recorded copy, see study_record.ts) is used as given, under its
   * recorded path.
   */
  files: readonly (string | ExperimentSource)[];
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
  /** The experiments, validated, with the text each was read from and its SHA-256. */
  experiments: { experiment: Experiment; hash: string; source: ExperimentSource }[];
  /** Every run of every experiment. */
  specs: RunSpec[];
  /** The profile applied to every file (`undefined`: the files as written). */
  profile: string | undefined;
  /** The `--set` overrides applied to every file. */
  overrides: readonly SettingOverride[];
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
  files: readonly (string | ExperimentSource)[],
  profile: string | undefined,
  dataDir?: string,
  checkData = true,
  overrides: readonly SettingOverride[] = [],
): Promise<PreparedStudy> {
  const experiments: PreparedStudy["experiments"] = [];
  const specs: RunSpec[] = [];
  const names = new Map<string, string>();
  for (const given of files) {
    // Read once: the run ids, the hash and the study's copy of the file all come from this text.
    const source = typeof given === "string"
      ? { file: given, text: await readExperimentText(given) }
      : given;
    const file = source.file;
    const experiment = parseRecordedOrGiven(source, { profile, set: overrides });
    const earlier = names.get(experiment.name);
    if (earlier !== undefined) {
      throw Object.assign(
        new Error(`${file}: $.name: "${experiment.name}" is already the name of ${earlier}`),
        { exitCode: 2 },
      );
    }
    names.set(experiment.name, file);
    experiments.push({ experiment, hash: sha256Hex(source.text), source });
    specs.push(...expandExperiment(experiment));
  }
  const datasets = [...new Set(specs.map((spec) => spec.dataset))].sort();
  if (checkData) { for (const dataset of datasets) await loadDataset(dataset, { dataDir }); }
  return { experiments, specs, profile, overrides };
}

/**
 * Parses an experiment's text under its file's name (the report names the
 * file as the study was given it). A study's recorded copy that no longer
 * validates (the harness's schema changed since the study was recorded) is
 * an error naming the copy, and what to do instead.
 */
function parseRecordedOrGiven(source: ExperimentSource, options: ExperimentOptions): Experiment {
  try {
    return parseExperimentText(source.text, source.file, options);
  } catch (error) {
    if (!(error instanceof ConfigError) || source.recordedCopy === undefined) throw error;
    throw new ConfigError(
      source.recordedCopy,
      error.path,
      `${error.detail} (in the study's recorded copy of ${source.file}, which this version of ` +
        "the harness no longer accepts; to use the files as they are now, describe the study " +
        "on the command line: the files, --profile, --set)",
    );
  }
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

/** What a report's manifest says of how the study was computed. */
export interface StudyProvenance {
  /** Distinct runs of the study, and how many this command computed and reused. */
  runs: { total: number; computed: number; reused: number };
  /** Seconds the command took. */
  seconds: number;
}

/**
 * Writes the tables, figures and REPORT.md of a study's stored results, then
 * the study's record (`study/` and `manifest.json`, see study_record.ts), so
 * that the folder knows which study its report is of. A report of some of
 * the runs says "N of M runs stored" and is marked incomplete. Throws (exit
 * code 2, nothing written) when none is stored, rather than overwrite a
 * report with an empty one.
 *
 * `claims` are the claims files the report judges.
 *
 * @param provenance how the runs were computed (default: all read from the store, none computed)
 */
export async function reportStudy(
  prepared: PreparedStudy,
  store: ResultStore,
  outDir: string,
  claims: readonly ClaimsFile[] = [],
  provenance?: StudyProvenance,
): Promise<StudyReport> {
  const started = performance.now();
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
  const backends = [...new Set(prepared.specs.map((spec) => spec.backend))].sort();
  const { files } = await writeReport(results, outDir, {
    expectedRuns: expected,
    profile: prepared.profile ?? "none",
    experiments: prepared.experiments.map(({ experiment, hash }) => ({
      name: experiment.name,
      file: experiment.file,
      hash: hash.slice(0, 16),
    })),
    versions: { tool: TOOL_VERSION, tfjs: TFJS_VERSION, backend: backends.join(", ") },
    claims,
  });
  const { runs, seconds } = provenance ?? {
    runs: { total: expected, computed: 0, reused: stored },
    seconds: (performance.now() - started) / 1000,
  };
  await writeStudyRecord(
    outDir,
    {
      profile: prepared.profile,
      overrides: prepared.overrides,
      experiments: prepared.experiments.map(({ experiment, source }) => ({
        name: experiment.name,
        source,
        runs: prepared.specs.filter((spec) => spec.experiment === experiment.name).length,
      })),
      // The claims the report judged, kept beside the experiments so the folder can judge them again.
      claims: claims.flatMap(({ file, text }) => text === undefined ? [] : [{ file, text }]),
    },
    {
      before: {
        tool: TOOL_VERSION,
        // The commit lives here only: REPORT.md, tables and figures must not depend on it.
        git: await readGitState(),
        deno: Deno.version.deno,
        v8: Deno.version.v8,
        tfjs: TFJS_VERSION,
        backends,
        machine: { os: Deno.build.os, arch: Deno.build.arch, cpus: navigator.hardwareConcurrency },
      },
      after: {
        runs,
        seconds: Math.round(seconds * 10) / 10,
        finishedAt: new Date().toISOString(),
      },
    },
  );
  return { files, stored, expected };
}

/** Runs a study: validate, sweep, then the report and the study's record. */
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
    options.claims,
    {
      runs: { total: sweep.total, computed: sweep.computed, reused: sweep.skipped },
      seconds: (performance.now() - started) / 1000,
    },
  );
  return { sweep, reportFiles, seconds: (performance.now() - started) / 1000 };
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
