/**
 * `report [FILE...] [options]`: rewrites the tables, figures and REPORT.md
 * from the stored runs, computing nothing. Without files it reports the
 * `reproduce` study.
 *
 * @module
 */
import { join } from "node:path";
import { prepareStudy, reportStudy, reproductionFiles } from "../runner/study.ts";
import { ResultStore } from "../runner/store.ts";
import { type CommandHelp, parseCommandLine, stringOption } from "./options.ts";
import { defaultResultsDir } from "./reproduce.ts";
import { settingOverrides } from "./study_command.ts";

/** What `report --help` prints besides the options. */
export const REPORT_HELP: CommandHelp = {
  usage: "report [FILE...] [options]",
  summary: "Rewrites REPORT.md, tables/ and figures/ from the runs stored in DIR/runs, " +
    "computing nothing. Without files it reports the reproduce study.",
};

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
    },
    true,
    REPORT_HELP,
  );
  const files = positionals.length > 0 ? positionals : await reproductionFiles("experiments");
  const profile = stringOption(values.profile) ?? (positionals.length > 0 ? undefined : "quick");
  const outDir = stringOption(values.out) ??
    (positionals.length > 0 ? "out" : defaultResultsDir(profile ?? "quick"));
  const prepared = await prepareStudy(
    files,
    profile,
    undefined,
    false,
    settingOverrides(values.set),
  );
  const report = await reportStudy(
    prepared,
    new ResultStore(join(outDir, "runs")),
    outDir,
    profile,
  );
  if (report.stored < report.expected) {
    console.log(
      `${report.stored} of ${report.expected} runs stored: the report is marked incomplete`,
    );
  }
  console.log(`wrote ${report.files.length} files to ${outDir}`);
  return 0;
}
