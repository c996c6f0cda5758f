/**
 * `run FILE... [--profile NAME] [--out DIR] [--workers N] [--force] [--data-dir DIR]`:
 * runs the named experiment files and writes their report.
 *
 * @module
 */
import { parseCommandLine, stringOption } from "./options.ts";
import { runStudyCommand, STUDY_FLAGS } from "./study_command.ts";
import { UsageError } from "./usage_error.ts";

/** Runs the command; returns the exit code. */
export async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine("run", args, STUDY_FLAGS, true);
  if (positionals.length === 0) {
    throw new UsageError("run: name at least one experiment file, e.g. experiments/smoke.json");
  }
  return await runStudyCommand(
    "run",
    positionals,
    stringOption(values.profile),
    stringOption(values.out) ?? "out",
    values,
  );
}
