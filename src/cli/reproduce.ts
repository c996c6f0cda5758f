/**
 * `reproduce [--profile quick|paper] [--out DIR] [--workers N] [--force] [--data-dir DIR]`:
 * runs every experiment in experiments/paper/ and experiments/baselines/
 * under a profile and regenerates the tables, figures and REPORT.md.
 *
 * @module
 */
import { reproductionFiles } from "../runner/study.ts";
import { parseCommandLine, positiveInteger, stringOption } from "./options.ts";
import { runStudyCommand, STUDY_FLAGS } from "./study_command.ts";
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

/** Runs the command; returns the exit code. */
export async function reproduceCommand(args: string[]): Promise<number> {
  const { values } = parseCommandLine("reproduce", args, {
    ...STUDY_FLAGS,
    experiments: { type: "string" },
  }, false);
  const profile = stringOption(values.profile) ?? "quick";
  if (!(PROFILES as readonly string[]).includes(profile)) {
    throw new UsageError(
      `reproduce: --profile must be one of ${PROFILES.join(", ")}, got "${profile}"`,
    );
  }
  // Checked before anything is read, so a bad flag writes nothing.
  positiveInteger("reproduce", "workers", values.workers);
  const files = await reproductionFiles(stringOption(values.experiments) ?? "experiments");
  return runStudyCommand(
    "reproduce",
    files,
    profile,
    stringOption(values.out) ?? defaultResultsDir(profile),
    values,
  );
}
