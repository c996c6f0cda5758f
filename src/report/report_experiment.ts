/**
 * One experiment's appendix in REPORT.md: its results table (metrics at
 * meaningful precision, the constant-image floor where measured), figures,
 * ranking, sanity checks, matched-random controls and diverged runs.
 *
 * @module
 */

import { noBetterThanConstantImage } from "./aggregate.ts";
import {
  describeMetric,
  formatCount,
  formatEpochs,
  formatFixed,
  formatMetricValue,
  formatPValue,
  formatSetting,
} from "./format.ts";
import { compareText } from "./grouping.ts";
import { figureLines, interval, table } from "./markdown.ts";
import type { ReportContent } from "./report_content.ts";
import type { PairedComparison } from "./statistics.ts";

/** A paired comparison's pairs, mean difference, 95% CI and p-value, as table cells. */
function comparisonCells(comparison: PairedComparison, metric: string): string[] {
  return [
    formatCount(comparison.pairs),
    formatMetricValue(comparison.meanDifference, metric),
    interval(comparison.ci95Low, comparison.ci95High, (value) => formatMetricValue(value, metric)),
    formatPValue(comparison.pValue),
  ];
}

/** One experiment's results (Appendix B). */
export function experimentAppendix(experiment: string, content: ReportContent): string[] {
  const rows = content.rows.filter((row) => row.experiment === experiment);
  const lines = [`### Experiment \`${experiment}\``, ""];
  const tablePath = content.tablePaths.get(experiment);
  if (tablePath !== undefined) lines.push(`Table: [${tablePath}](${tablePath})`, "");
  const withFloor = rows.some((row) => row.constantImageError !== undefined);
  lines.push(
    ...table(
      [
        "dataset",
        "model",
        "method",
        "sparsity",
        "metric",
        "n",
        "mean",
        "95% CI",
        "achieved sparsity",
        "pruning epochs",
        "total epochs",
        ...(withFloor ? ["constant image"] : []),
        "diverged",
        "collapsed-layer runs",
      ],
      rows.map((row) => [
        row.dataset,
        row.model,
        row.method,
        formatSetting(row.sparsity),
        describeMetric(row.metric),
        formatCount(row.n),
        formatMetricValue(row.mean, row.metric) +
        (noBetterThanConstantImage(row) ? " (no better than a constant image)" : ""),
        interval(row.ci95Low, row.ci95High, (value) => formatMetricValue(value, row.metric)),
        formatFixed(row.meanAchievedSparsity, 3),
        formatEpochs(row.meanPruningEpochs),
        formatEpochs(row.meanTotalEpochs),
        ...(withFloor ? [formatMetricValue(row.constantImageError, row.metric)] : []),
        formatCount(row.diverged),
        formatCount(row.collapsedLayerRuns),
      ]),
    ),
    "",
  );

  const figures = content.figures.filter((figure) => figure.experiment === experiment);
  for (const figure of figures) {
    lines.push(...figureLines(figure));
  }

  lines.push("#### Ranking", "");
  const ranking = content.ranking.filter((row) => row.experiment === experiment);
  const cellKeys = [
    ...new Set(ranking.map((row) => JSON.stringify([row.dataset, row.model, row.sparsity]))),
  ];
  for (const key of cellKeys) {
    const [dataset, model, sparsity] = JSON.parse(key) as [string, string, number];
    const inCell = ranking.filter((row) =>
      row.dataset === dataset && row.model === model && row.sparsity === sparsity
    );
    const metric = inCell[0].metric;
    const entries = inCell.map((row) =>
      row.rank !== undefined
        ? `${row.rank}. ${row.method} (${formatMetricValue(row.mean, metric)})`
        : row.mean === undefined
        ? `unranked ${row.method} (all runs diverged)`
        : `unranked ${row.method} (${formatMetricValue(row.mean, metric)}, but reached ` +
          `sparsity ${formatFixed(row.meanAchievedSparsity, 3)} only)`
    );
    const direction = inCell[0].higherIsBetter ? "higher is better" : "lower is better";
    lines.push(
      `- ${dataset}, ${model}, sparsity ${formatSetting(sparsity)} (${describeMetric(metric)}, ` +
        `${direction}): ${entries.join("; ")}`,
    );
  }
  lines.push("");

  lines.push("#### Sanity checks", "");
  const sanity = content.evaluation.sanityChecks.filter((row) =>
    row.experiment.split(", ").includes(experiment)
  );
  if (sanity.length === 0) {
    lines.push("No sanity-check runs in this experiment.", "");
  } else {
    lines.push(
      "Difference = method with the sanity check minus the same method without it, paired " +
        "by seed. A method whose mask is meaningful should be worse with the check.",
      "",
      ...table(
        [
          "dataset",
          "model",
          "sparsity",
          "method",
          "sanity check",
          "pairs",
          "mean difference",
          "95% CI",
          "p",
          "worse/better",
          "outcome",
        ],
        sanity.map((row) => [
          row.dataset,
          row.model,
          formatSetting(row.sparsity),
          row.method,
          row.sanityCheck,
          ...comparisonCells(row.comparison, row.metric),
          `${row.worse}/${row.better}`,
          row.outcome,
        ]),
      ),
      "",
    );
  }

  const controls = content.controls.filter((row) =>
    row.experiment.split(", ").includes(experiment)
  );
  if (controls.length > 0) {
    lines.push(
      "#### Matched-random controls",
      "",
      "Which weights: the method minus the random mask with its per-layer densities; how " +
        "many per layer: that random mask minus random pruning; both paired by seed. The " +
        "first shows what the method's choice of weights adds, the second what its " +
        "allocation across layers adds.",
      "",
      ...table(
        [
          "dataset",
          "model",
          "sparsity",
          "effect",
          "first",
          "second",
          "pairs",
          "mean difference",
          "95% CI",
          "p",
          "outcome",
        ],
        controls.map((row) => [
          row.dataset,
          row.model,
          formatSetting(row.sparsity),
          row.effect,
          row.first,
          row.second,
          ...comparisonCells(row.comparison, row.metric),
          row.outcome,
        ]),
      ),
      "",
    );
  }

  lines.push("#### Diverged runs", "");
  const methodByRun = new Map<string, string>();
  for (const row of rows) for (const runId of row.runIds) methodByRun.set(runId, row.method);
  const diverged = content.results
    .filter((result) => result.spec.experiment === experiment && result.status === "diverged")
    .sort((left, right) =>
      compareText(left.spec.dataset, right.spec.dataset) ||
      left.spec.sparsity - right.spec.sparsity ||
      compareText(
        methodByRun.get(left.runId) ?? left.spec.method.label,
        methodByRun.get(right.runId) ?? right.spec.method.label,
      ) ||
      left.spec.seed - right.spec.seed ||
      compareText(left.runId, right.runId)
    );
  if (diverged.length === 0) {
    lines.push("None.", "");
  } else {
    lines.push(
      ...table(
        ["run id", "dataset", "method", "sparsity", "seed", "diverged at"],
        diverged.map((result) => [
          result.runId,
          result.spec.dataset,
          methodByRun.get(result.runId) ?? result.spec.method.label,
          formatSetting(result.spec.sparsity),
          String(result.spec.seed),
          result.divergedAt === undefined
            ? "unknown"
            : `epoch ${result.divergedAt.epoch}, step ${result.divergedAt.step}`,
        ]),
      ),
      "",
    );
  }
  return lines;
}
