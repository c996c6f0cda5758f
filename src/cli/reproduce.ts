/**
 * `reproduce [--profile quick|paper] [--out DIR] [--workers N] [--force] [--data-dir DIR]`:
 * runs every experiment in experiments/paper/ and experiments/baselines/
 * under a profile and regenerates the tables, figures and REPORT.md.
 *
 * @module
 */
import { join } from "node:path";
import { reproductionFiles, runStudy } from "../runner/study.ts";
import { interruptSignal } from "./interrupt.ts";
import { parseCommandLine, positiveInteger, stringOption } from "./options.ts";
import { printStudyOutcome } from "./study_report.ts";
import { UsageError } from "./usage_error.ts";

/** Profiles `reproduce` knows. */
export const PROFILES = ["quick", "paper"] as const;

/** Runs the command; returns the exit code. */
export async function reproduceCommand(args: string[]): Promise<number> {
  const { values } = parseCommandLine("reproduce", args, {
    profile: { type: "string" },
    out: { type: "string" },
    workers: { type: "string" },
    force: { type: "boolean" },
    quiet: { type: "boolean" },
    "data-dir": { type: "string" },
    experiments: { type: "string" },
  }, false);
  const profile = stringOption(values.profile) ?? "quick";
  if (!(PROFILES as readonly string[]).includes(profile)) {
    throw new UsageError(
      `reproduce: --profile must be one of ${PROFILES.join(", ")}, got "${profile}"`,
    );
  }
  const outDir = stringOption(values.out) ?? "results";
  const experimentsRoot = stringOption(values.experiments) ?? "experiments";
  const interrupt = interruptSignal();
  try {
    const outcome = await runStudy({
      files: await reproductionFiles(experimentsRoot),
      profile,
      outDir,
      storeDir: join(outDir, "runs"),
      workers: positiveInteger("reproduce", "workers", values.workers),
      force: values.force === true,
      quiet: values.quiet === true,
      dataDir: stringOption(values["data-dir"]),
      signal: interrupt.signal,
    });
    return printStudyOutcome(outcome, outDir);
  } finally {
    interrupt.dispose();
  }
}
