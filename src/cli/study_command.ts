/**
 * What `reproduce` and `run` share: their flags, and running a study with
 * Ctrl-C handling and printing its outcome.
 *
 * @module
 */
import { join } from "node:path";
import { runStudy } from "../runner/study.ts";
import { interruptSignal } from "./interrupt.ts";
import { type OptionSpec, positiveInteger, stringOption } from "./options.ts";
import { printStudyOutcome } from "./study_report.ts";
import { parseShard, type Shard } from "../runner/shard.ts";
import { UsageError } from "./usage_error.ts";

/** Flags both study commands accept. */
export const STUDY_FLAGS: OptionSpec = {
  profile: { type: "string" },
  out: { type: "string" },
  workers: { type: "string" },
  force: { type: "boolean" },
  quiet: { type: "boolean" },
  "data-dir": { type: "string" },
  shard: { type: "string" },
};

/** The `--shard I/N` flag, or `undefined` when absent; a malformed one is a usage error. */
export function shardOption(
  command: string,
  value: string | boolean | undefined,
): Shard | undefined {
  if (typeof value !== "string") return undefined;
  try {
    return parseShard(value);
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
}

/** Runs `files` as one study into `outDir` with the parsed flags; returns the exit code. */
export async function runStudyCommand(
  command: string,
  files: string[],
  profile: string | undefined,
  outDir: string,
  values: Record<string, string | boolean | undefined>,
): Promise<number> {
  const shard = shardOption(command, values.shard);
  const interrupt = interruptSignal();
  try {
    const outcome = await runStudy({
      files,
      profile,
      outDir,
      storeDir: join(outDir, "runs"),
      workers: positiveInteger(command, "workers", values.workers),
      force: values.force === true,
      quiet: values.quiet === true,
      dataDir: stringOption(values["data-dir"]),
      signal: interrupt.signal,
      shard,
    });
    return printStudyOutcome(outcome, outDir, shard);
  } finally {
    interrupt.dispose();
  }
}
