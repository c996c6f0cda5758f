/**
 * `run FILE... [--profile NAME] [--out DIR] [--workers N] [--force] [--data-dir DIR]`:
 * runs the named experiment files and writes their report.
 *
 * @module
 */
import { join } from "node:path";
import { runStudy } from "../runner/study.ts";
import { interruptSignal } from "./interrupt.ts";
import { parseCommandLine, positiveInteger, stringOption } from "./options.ts";
import { printStudyOutcome } from "./study_report.ts";
import { UsageError } from "./usage_error.ts";

/** Runs the command; returns the exit code. */
export async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine("run", args, {
    profile: { type: "string" },
    out: { type: "string" },
    workers: { type: "string" },
    force: { type: "boolean" },
    quiet: { type: "boolean" },
    "data-dir": { type: "string" },
  }, true);
  if (positionals.length === 0) {
    throw new UsageError("run: name at least one experiment file, e.g. experiments/smoke.json");
  }
  const outDir = stringOption(values.out) ?? "out";
  const interrupt = interruptSignal();
  try {
    const outcome = await runStudy({
      files: positionals,
      profile: stringOption(values.profile),
      outDir,
      storeDir: join(outDir, "runs"),
      workers: positiveInteger("run", "workers", values.workers),
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
