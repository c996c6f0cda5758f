/**
 * `report [FILE...] [options]`: rewrites the tables, figures and REPORT.md
 * from the stored runs, computing nothing. With only `--out DIR` it reports
 * the study DIR holds (its manifest), without files or `--out` the
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
import { parseClaimsText } from "../config/parse_claims.ts";
import type { RunSpec } from "../config/types.ts";
import { describeRun } from "../runner/sweep.ts";
import { defaultResultsDir, paperClaimsFiles } from "./reproduce.ts";
import { claimsOption, settingOverrides } from "./study_command.ts";
import { announceStudy, chooseStudy, type ChosenStudy } from "./chosen_study.ts";

/** What `report --help` prints besides the options. */
export const REPORT_HELP: CommandHelp = {
  usage: "report [FILE...] [options]",
  summary: "Rewrites REPORT.md, tables/ and figures/ from the runs stored in DIR/runs, " +
    "computing nothing. With only --out DIR it reports the study DIR's manifest.json records " +
    "(from its copies in DIR/study/); without files or --out, the reproduce study.",
};

/**
 * The study that `report` and `verify` read from a store (see chosen_study.ts
 * for the precedence): the named files (no profile and `out` unless given);
 * with only `--out DIR`, the study DIR's manifest records; else the
 * `reproduce` study (profile `quick` and its results folder unless given).
 */
export async function storedStudy(
  positionals: string[],
  values: Record<string, OptionValue>,
): Promise<ChosenStudy> {
  const profile = stringOption(values.profile);
  const overrides = settingOverrides(values.set);
  return await chooseStudy({
    describesStudy: positionals.length > 0 || profile !== undefined || overrides.length > 0,
    out: stringOption(values.out),
    fromCommandLine: async () => {
      const files = positionals.length > 0 ? positionals : await reproductionFiles("experiments");
      const chosenProfile = profile ?? (positionals.length > 0 ? undefined : "quick");
      const outDir = stringOption(values.out) ??
        (positionals.length > 0 ? "out" : defaultResultsDir(chosenProfile ?? "quick"));
      return { files, profile: chosenProfile, overrides, outDir };
    },
  });
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
        defaultValue: "DIR's manifest with only --out; else quick without files, none with files",
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
        defaultValue: "DIR's manifest with only --out; else none",
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
  const study = await storedStudy(positionals, values);
  const { files, profile, overrides, outDir } = study;
  // A recorded study is judged by the claims it recorded (none, when it judged none); else the
  // paper's, unless experiment files are given.
  const recorded = study.recorded?.claims;
  const claimsGiven = values.claims !== undefined && [values.claims].flat().length > 0;
  const claims = !claimsGiven && recorded !== undefined
    ? recorded.map(({ source }) => ({
      ...parseClaimsText(source.text, source.recordedCopy ?? source.file),
      file: source.file,
    }))
    : await claimsOption(
      values.claims,
      positionals.length > 0 ? [] : await paperClaimsFiles("experiments"),
    );
  const prepared = await prepareStudy(files, profile, undefined, false, overrides);
  announceStudy(study);
  const store = new ResultStore(join(outDir, "runs"));
  if (values["require-complete"] === true) await requireComplete(prepared.specs, store);
  const report = await reportStudy(prepared, store, outDir, claims);
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
