/**
 * Which study a command works on. The precedence, the same for `report`,
 * `verify`, `run` and `reproduce` (with or without `--dry-run`):
 *
 * 1. FILE arguments, `--profile` or `--set` (and `reproduce --experiments`)
 *    describe the study themselves: they win over any manifest, and today's
 *    defaults fill in what they leave out.
 * 2. Only `--out DIR`: the study DIR holds, as its `manifest.json` and
 *    `study/` copies record it (runner/study_record.ts). The command says so
 *    in one line and warns of each experiment file that changed since or is
 *    gone; the recorded copy is used either way.
 * 3. Neither, or a DIR without a manifest: the command's defaults.
 *
 * @module
 */
import type { SettingOverride } from "../config/overrides.ts";
import type { ExperimentSource } from "../runner/study.ts";
import { readRecordedStudy, type RecordedStudy } from "../runner/study_record.ts";

/** A study to work on: its files, profile, overrides and folder. */
export interface ChosenStudy {
  /** Experiment files (paths), or a recorded study's copies. */
  files: (string | ExperimentSource)[];
  /** The profile (`undefined`: the files as written). */
  profile: string | undefined;
  /** The `--set` overrides. */
  overrides: SettingOverride[];
  /** The study's folder. */
  outDir: string;
  /** The record the study was read from, when it came from DIR's manifest. */
  recorded?: RecordedStudy;
}

/** What a command line says about its study. */
export interface StudyCommandLine {
  /** Whether it describes the study itself (FILE arguments, `--profile`, `--set`, ...). */
  describesStudy: boolean;
  /** `--out` as given, or `undefined`. */
  out: string | undefined;
  /** The study the command line and the command's defaults describe. */
  fromCommandLine: () => Promise<ChosenStudy>;
}

/**
 * The study a command works on (see the module's precedence). When it comes
 * from DIR's manifest, {@link announceStudy} prints the line naming it and
 * the warnings, once the command has validated it.
 *
 * @throws ConfigError (exit code 2) for a malformed manifest or a missing or edited copy
 */
export async function chooseStudy(commandLine: StudyCommandLine): Promise<ChosenStudy> {
  if (commandLine.describesStudy || commandLine.out === undefined) {
    return await commandLine.fromCommandLine();
  }
  const recorded = await readRecordedStudy(commandLine.out);
  if (recorded === undefined) return await commandLine.fromCommandLine();
  return {
    files: recorded.experiments.map((experiment) => experiment.source),
    profile: recorded.profile,
    overrides: recorded.overrides,
    outDir: commandLine.out,
    recorded,
  };
}

/**
 * Prints, for a study read from DIR's manifest, the line naming it (stdout)
 * and a warning for each file that changed or is gone (stderr); nothing for
 * a study the command line described. Called once the study validated, so
 * that bad input is one error line and nothing else.
 */
export function announceStudy(study: ChosenStudy): void {
  if (study.recorded === undefined) return;
  console.log(recordedStudyLine(study.recorded));
  for (const warning of changedFileWarnings(study.recorded)) console.error(warning);
}

/** `using the study recorded in DIR/manifest.json: FILE, FILE (profile P, --set A=B)`. */
export function recordedStudyLine(recorded: RecordedStudy): string {
  const settings = [
    recorded.profile === undefined ? "no profile" : `profile ${recorded.profile}`,
    ...recorded.overrides.map(({ path, value }) =>
      `--set ${path}=${typeof value === "string" ? value : JSON.stringify(value)}`
    ),
  ];
  return `using the study recorded in ${recorded.manifest}: ` +
    `${recorded.experiments.map(({ entry }) => entry.file).join(", ")} (${settings.join(", ")})`;
}

/** One warning per experiment or claims file that changed since the study was recorded, or is gone. */
export function changedFileWarnings(recorded: RecordedStudy): string[] {
  return [...recorded.experiments, ...(recorded.claims ?? [])]
    .filter((file) => file.current !== "unchanged")
    .map(({ entry, current, readFrom }) =>
      `warning: ${entry.file} ${
        current === "missing" ? "no longer exists" : "changed since the study was recorded"
      }; the recorded copy ${readFrom} is used (to use the files as they are now, describe ` +
      "the study on the command line: the files, --profile, --set)"
    );
}
