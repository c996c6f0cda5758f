/**
 * `run FILE... [options]`: runs the named experiment files and writes their
 * report; `run --out DIR` continues the study DIR records (`--help` lists
 * the options).
 *
 * @module
 */
import { type CommandHelp, parseCommandLine, stringOption } from "./options.ts";
import { runStudyCommand, settingOverrides, studyFlags } from "./study_command.ts";
import { chooseStudy } from "./chosen_study.ts";
import { UsageError } from "./usage_error.ts";

/** What `run --help` prints besides the options. */
export const RUN_HELP: CommandHelp = {
  usage: "run FILE... [options]  (or: run --out DIR [options])",
  summary: "Runs your experiment files (e.g. experiments/smoke.json) as one study: " +
    "computes the runs not yet stored, then writes the report. With only --out DIR it runs " +
    "the study DIR's manifest.json records.",
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
  const profile = stringOption(values.profile);
  const overrides = settingOverrides(values.set);
  const out = stringOption(values.out);
  const study = await chooseStudy({
    describesStudy: positionals.length > 0 || profile !== undefined || overrides.length > 0,
    out,
    fromCommandLine: () => {
      if (positionals.length === 0) {
        throw new UsageError(
          "run: name at least one experiment file, e.g. experiments/smoke.json (or, to " +
            "continue a study, only --out DIR of a folder with a manifest.json)",
        );
      }
      return Promise.resolve({ files: positionals, profile, overrides, outDir: out ?? "out" });
    },
  });
  return await runStudyCommand("run", study, values);
}
