/** Printing a study's plan for `--dry-run`. @module */
import { describeRun } from "../runner/sweep.ts";
import { formatDuration } from "../runner/progress.ts";
import type { CurrentFilesDifference, StudyPlan } from "../runner/study_plan.ts";

/**
 * Core-hours with two significant digits, so that a study of seconds does
 * not read as 0 and one of days does not pretend to a precision the
 * estimate does not have.
 */
export function formatCoreHours(hours: number): string {
  return String(Number(hours.toPrecision(2)));
}

/** The closing line of a dry run: `N runs: S stored, M missing, estimated H core-hours`. */
export function planSummaryLine(plan: StudyPlan): string {
  return `${plan.total} runs: ${plan.stored} stored, ${plan.missing} missing, ` +
    `estimated ${formatCoreHours(plan.coreHours)} core-hours`;
}

/**
 * The line saying what a recorded study's files, as they are now, would add
 * and drop (see {@link CurrentFilesDifference}).
 */
export function currentFilesLine(difference: CurrentFilesDifference): string {
  if (!difference.readable) {
    return `the experiment files as they are now cannot be planned: ${difference.reason}`;
  }
  const gone = difference.missingFiles.length === 0
    ? ""
    : ` (${difference.missingFiles.join(", ")} no longer exist${
      difference.missingFiles.length === 1 ? "s" : ""
    })`;
  return `the experiment files as they are now would add ${difference.added} runs ` +
    `(${difference.addedStored} of them stored) and drop ${difference.dropped} of the ` +
    `recorded study's${gone}; to plan them, describe the study on the command line ` +
    "(the files, --profile, --set)";
}

/**
 * Prints each experiment's runs (stored or missing, id, settings, estimate),
 * what the current files would change when `difference` is given, then the
 * summary.
 */
export function printStudyPlan(
  plan: StudyPlan,
  force: boolean,
  difference?: CurrentFilesDifference,
): void {
  console.log(`dry run: nothing is computed or written; runs are looked up in ${plan.storeDir}`);
  for (const experiment of plan.experiments) {
    console.log(`${experiment.name} (${experiment.file}): ${experiment.runs.length} runs`);
    for (const run of experiment.runs) {
      console.log(
        `  ${run.stored ? "stored " : "missing"}  ${run.runId.slice(0, 12)}  ` +
          `${describeRun(run.spec)}  ~${formatDuration(run.estimatedSeconds)}`,
      );
    }
  }
  if (difference !== undefined) console.log(currentFilesLine(difference));
  console.log(
    planSummaryLine(plan) +
      (force && plan.stored > 0 ? " (--force: the stored runs are recomputed too)" : ""),
  );
}
