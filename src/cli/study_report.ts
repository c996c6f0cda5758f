/** Printing a study's outcome. @module */
import type { StudyOutcome } from "../runner/study.ts";
import { formatDuration } from "../runner/progress.ts";
import type { Shard } from "../runner/shard.ts";

/**
 * Prints what a study did and returns the exit code (130 when interrupted).
 * A shard writes no report: it says so instead.
 */
export function printStudyOutcome(outcome: StudyOutcome, outDir: string, shard?: Shard): number {
  const { sweep } = outcome;
  const diverged = sweep.diverged > 0
    ? `, ${sweep.diverged} diverged (reported, not averaged)`
    : "";
  console.log(
    (shard === undefined ? "" : `shard ${shard.index}/${shard.count}: `) +
      `${sweep.total} runs: ${sweep.computed} computed, ${sweep.skipped} already stored` +
      (sweep.awaited > 0 ? `, ${sweep.awaited} computed by another sweep` : "") + diverged +
      ` (${formatDuration(outcome.seconds)})`,
  );
  if (sweep.interrupted) {
    console.log("interrupted: run the same command again to finish the remaining runs");
    return 130;
  }
  if (shard !== undefined) {
    console.log(
      `shard ${shard.index}/${shard.count} stored in ${outDir}/runs; the report is written ` +
        "once every shard is done (`deno task report` with the same files, --profile and --out)",
    );
    return 0;
  }
  console.log(
    `wrote ${outcome.reportFiles.length} files to ${outDir} (REPORT.md, tables/, figures/)`,
  );
  return 0;
}
