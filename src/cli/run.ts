/**
 * `run FILE... [options]`: runs the named experiment files and writes their
 * report (`--help` lists the options).
 *
 * @module
 */
import { type CommandHelp, parseCommandLine, stringOption } from "./options.ts";
import { runStudyCommand, studyFlags } from "./study_command.ts";
import { UsageError } from "./usage_error.ts";

/** What `run --help` prints besides the options. */
export const RUN_HELP: CommandHelp = {
  usage: "run FILE... [options]",
  summary: "Runs your experiment files (e.g. experiments/smoke.json) as one study: " +
    "computes the runs not yet stored, then writes the report.",
};

/** Runs the command; returns the exit code. */
export async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    "run",
    args,
    studyFlags("out", "none (the files as written)"),
    true,
    RUN_HELP,
  );
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
