/**
 * `report [FILE...] [options]`: rewrites the tables, figures and REPORT.md
 * from the stored runs, computing nothing. Without files it reports the
 * `reproduce` study. With `--require-complete` it fails (exit 1, nothing
 * written) when any run of the study is not stored: the Slurm report job
 * uses it, so that its status says whether the whole study is done.
 *
 * @module
 */
import { join } from "node:path";
import { prepareStudy, reportStudy, reproductionFiles } from "../runner/study.ts";
import { ResultStore } from "../runner/store.ts";
import { type CommandHelp, type OptionValue, parseCommandLine, stringOption } from "./options.ts";
import { runId } from "../config/run_id.ts";
import type { RunSpec } from "../config/types.ts";
import { describeRun } from "../runner/sweep.ts";
import { defaultResultsDir, paperClaimsFiles } from "./reproduce.ts";
import { claimsOption, settingOverrides } from "./study_command.ts";

/** What `report --help` prints besides the options. */
export const REPORT_HELP: CommandHelp = {
  usage: "report [FILE...] [options]",
  summary: "Rewrites REPORT.md, tables/ and figures/ from the runs stored in DIR/runs, " +
    "computing nothing. Without files it reports the reproduce study.",
};

/**
 * The study that `report` and `verify` read from a store: the named files
 * (no profile and `out` unless given), or without files the `reproduce`
 * study (profile `quick` and its results folder unless given).
 */
export async function storedStudy(
  positionals: string[],
  values: Record<string, OptionValue>,
): Promise<{ files: string[]; profile: string | undefined; outDir: string }> {
  const files = positionals.length > 0 ? positionals : await reproductionFiles("experiments");
  const profile = stringOption(values.profile) ?? (positionals.length > 0 ? undefined : "quick");
  const outDir = stringOption(values.out) ??
    (positionals.length > 0 ? "out" : defaultResultsDir(profile ?? "quick"));
  return { files, profile, outDir };
}

/** Runs the command; returns the exit code. */
export async function reportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    "report",
    args,
    {
      profile: {
        type: "string",
        valueName: "NAME",
        description: "the profile the runs were computed under",
        defaultValue: "quick without files, none with files",
      },
      out: {
        type: "string",
        valueName: "DIR",
        description: "the study's folder: runs are read from DIR/runs, the report written to DIR",
        defaultValue: "results/<profile> without files, out with files",
      },
      set: {
        type: "string",
        valueName: "PATH=VALUE",
        multiple: true,
        description: "the settings overridden when the runs were computed (see run --help)",
      },
      claims: {
        type: "string",
        valueName: "FILE",
        multiple: true,
        description: "judge the claims of this claims file (see docs/claims.md)",
        defaultValue: "experiments/paper/claims.json without files, none with files",
      },
      "require-complete": {
        type: "boolean",
        description: "fail (exit 1, writing nothing) unless every run of the study is stored",
      },
    },
    true,
    REPORT_HELP,
  );
  const { files, profile, outDir } = await storedStudy(positionals, values);
  const claims = await claimsOption(
    values.claims,
    positionals.length > 0 ? [] : await paperClaimsFiles("experiments"),
  );
  const prepared = await prepareStudy(
    files,
    profile,
    undefined,
    false,
    settingOverrides(values.set),
  );
  const store = new ResultStore(join(outDir, "runs"));
  if (values["require-complete"] === true) await requireComplete(prepared.specs, store);
  const report = await reportStudy(prepared, store, outDir, profile, claims);
  if (report.stored < report.expected) {
    console.log(
      `${report.stored} of ${report.expected} runs stored: the report is marked incomplete`,
    );
  }
  console.log(`wrote ${report.files.length} files to ${outDir}`);
  return 0;
}

/** Throws (exit 1) naming how many runs, and the first, are not stored. */
async function requireComplete(specs: RunSpec[], store: ResultStore): Promise<void> {
  const unique = new Map(specs.map((spec) => [runId(spec), spec]));
  const missing: RunSpec[] = [];
  for (const spec of unique.values()) if (!(await store.has(spec))) missing.push(spec);
  if (missing.length > 0) {
    throw new Error(
      `report: ${missing.length} of ${unique.size} runs are not stored in ${store.root} ` +
        `(first: ${runId(missing[0])} ${describeRun(missing[0])}); run the study (or its ` +
        "missing shards) again to complete it",
    );
  }
}
