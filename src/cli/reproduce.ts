/**
 * `reproduce [options]`: runs every experiment in experiments/paper/ and
 * experiments/baselines/ under a profile and regenerates the tables,
 * figures and REPORT.md (`--help` lists the options).
 *
 * @module
 */
import { join } from "node:path";
import { reproductionFiles } from "../runner/study.ts";
import { CLAIMS_FILE_NAME } from "../config/parse_claims.ts";
import { type CommandHelp, parseCommandLine, positiveInteger, stringOption } from "./options.ts";
import { runStudyCommand, settingOverrides, studyFlags } from "./study_command.ts";
import { chooseStudy } from "./chosen_study.ts";
import { UsageError } from "./usage_error.ts";

/** Profiles `reproduce` knows. */
export const PROFILES = ["quick", "standard", "paper"] as const;

/**
 * Where a profile's study goes when `--out` is not given: one folder per
 * profile, so the default quick rehearsal never overwrites the committed
 * standard study.
 */
export function defaultResultsDir(profile: string): string {
  return `results/${profile}`;
}

/**
 * The paper's claims file under an experiments folder (`paper/claims.json`),
 * as a list: empty when the folder has none.
 */
export async function paperClaimsFiles(experiments: string): Promise<string[]> {
  const file = join(experiments, "paper", CLAIMS_FILE_NAME);
  try {
    await Deno.stat(file);
    return [file];
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
}

/** What `reproduce --help` prints besides the options. */
export const REPRODUCE_HELP: CommandHelp = {
  usage: "reproduce [options]",
  summary: "Runs the paper's experiments and the baselines (experiments/paper/ and " +
    `experiments/baselines/) under a profile (${PROFILES.join(", ")}) and writes the report. ` +
    "With only --out DIR (no --profile, --set or --experiments) it runs the study DIR's " +
    "manifest.json records.",
};

/** Runs the command; returns the exit code. */
export async function reproduceCommand(args: string[]): Promise<number> {
  const { values } = parseCommandLine(
    "reproduce",
    args,
    {
      ...studyFlags("results/<profile>", "quick", "<experiments>/paper/claims.json"),
      experiments: {
        type: "string",
        valueName: "DIR",
        description: "the folder holding paper/ and baselines/",
        defaultValue: "experiments",
      },
    },
    false,
    REPRODUCE_HELP,
  );
  const given = stringOption(values.profile);
  const profile = given ?? "quick";
  if (!(PROFILES as readonly string[]).includes(profile)) {
    throw new UsageError(
      `reproduce: --profile must be one of ${PROFILES.join(", ")}, got "${profile}"`,
    );
  }
  // Checked before anything is read, so a bad flag writes nothing.
  positiveInteger("reproduce", "workers", values.workers);
  const overrides = settingOverrides(values.set);
  const experiments = stringOption(values.experiments);
  const out = stringOption(values.out);
  const study = await chooseStudy({
    describesStudy: given !== undefined || overrides.length > 0 || experiments !== undefined,
    out,
    fromCommandLine: async () => ({
      files: await reproductionFiles(experiments ?? "experiments"),
      profile,
      overrides,
      outDir: out ?? defaultResultsDir(profile),
    }),
  });
  return runStudyCommand(
    "reproduce",
    study,
    values,
    await paperClaimsFiles(experiments ?? "experiments"),
  );
}
