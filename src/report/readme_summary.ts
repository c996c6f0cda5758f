/**
 * The README's numbers, generated: the report writes `README_SUMMARY.md`
 * beside REPORT.md (what was run, each claim's verdict, and per setting the
 * means of the paper's methods and the other methods by sparsity, with the
 * paper's methods' difference from random pruning), from the same rows as
 * REPORT.md and `tables/by-setting.csv`. README.md embeds the standard
 * study's copy between {@link README_BEGIN} and {@link README_END}, and a
 * test checks that the embedded block equals the file, so the README's
 * "For reviewers" numbers cannot drift from the data.
 *
 * @module
 */

import type { AggregateRow } from "./aggregate.ts";
import {
  describeMetric,
  formatFixed,
  formatMetricDifference,
  formatMetricValue,
} from "./format.ts";
import { formatSetting } from "./format.ts";
import { compareText } from "./grouping.ts";
import { table } from "./markdown.ts";
import type { ReportContent, ReportContext } from "./report_content.ts";

/** File name of the fragment, beside REPORT.md. */
export const README_SUMMARY_FILE = "README_SUMMARY.md";

/** The line in README.md after which the fragment is embedded. */
export const README_BEGIN =
  "<!-- BEGIN generated summary: a copy of results/standard/README_SUMMARY.md -->";

/** The line in README.md before which the embedded fragment ends. */
export const README_END = "<!-- END generated summary -->";

/** Distinct values, sorted. */
function distinct<T extends string | number>(values: readonly T[]): T[] {
  return [...new Set(values)].sort((left, right) =>
    typeof left === "number" && typeof right === "number"
      ? left - right
      : compareText(String(left), String(right))
  );
}

/** Whether a row is a method under its own name: no label variant, no retraining, no check. */
function isPlain(row: AggregateRow): boolean {
  return row.method === row.methodName && !row.retrain && row.sanityCheck === "none";
}

/**
 * A difference from random pruning as the README shows it: accuracy in
 * points (two decimals, signed), an error relative to random's in percent
 * (one decimal, signed), since errors differ by orders of magnitude between
 * sparsities.
 */
function differenceFromRandom(row: AggregateRow, random: AggregateRow): string {
  if (row.mean === undefined || random.mean === undefined) return "";
  const signed = (
    text: string,
  ) => (text.startsWith("-") || /^0\.0*$/.test(text) ? text : `+${text}`);
  if (row.metric === "testAccuracy") {
    return signed(formatMetricDifference(row.mean - random.mean, row.metric));
  }
  if (random.mean === 0) return "";
  return `${signed(formatFixed(((row.mean - random.mean) / random.mean) * 100, 1))}%`;
}

/** One setting's means by sparsity, the paper's methods first, then their difference from random. */
function settingTable(rows: readonly AggregateRow[], content: ReportContent): string[] {
  const names = content.methodNames;
  const first = rows[0];
  const plain = rows.filter(isPlain);
  const pruned = plain.filter((row) => row.sparsity !== 0);
  const sparsities = distinct(pruned.map((row) => row.sparsity));
  const paper = [...names.random, ...names.kstarts, ...names.dissipating, ...names.combination];
  const methods = distinct(pruned.map((row) => row.method));
  const ordered = [
    ...paper.filter((method) => methods.includes(method)),
    ...methods.filter((method) => !paper.includes(method)),
  ];
  const at = (method: string, sparsity: number) =>
    pruned.find((row) => row.method === method && row.sparsity === sparsity);
  const meanRows = ordered.map((method) => [
    method,
    ...sparsities.map((sparsity) => formatMetricValue(at(method, sparsity)?.mean, first.metric)),
  ]);
  const randomName = names.random.find((method) => methods.includes(method));
  const differenceRows = randomName === undefined ? [] : ordered
    .filter((method) => paper.includes(method) && !names.random.includes(method))
    .map((method) => [
      `${method} − ${randomName}`,
      ...sparsities.map((sparsity) => {
        const row = at(method, sparsity);
        const random = at(randomName, sparsity);
        return row === undefined || random === undefined ? "" : differenceFromRandom(row, random);
      }),
    ]);
  const unpruned = plain.filter((row) => row.sparsity === 0)
    .map((row) => `${row.method} ${formatMetricValue(row.mean, row.metric)}`);
  const differenceUnit = first.metric === "testAccuracy"
    ? "in percentage points"
    : "relative to random's error";
  return [
    `**${first.dataset}, ${first.model}; ${first.training}**: ${describeMetric(first.metric)}, ` +
    `mean over seeds, ${first.higherIsBetter ? "higher" : "lower"} is better` +
    (unpruned.length > 0 ? `; unpruned: ${unpruned.join(", ")}` : "") +
    (differenceRows.length > 0 ? `; differences of the means ${differenceUnit}` : "") + ".",
    "",
    ...table(["method", ...sparsities.map(formatSetting)], [...meanRows, ...differenceRows]),
    "",
  ];
}

/** The README fragment: what was run, the verdicts, and each setting's means. */
export function renderReadmeSummary(content: ReportContent, context: ReportContext): string {
  const runs = new Map(content.results.map((result) => [result.runId, result]));
  const diverged = [...runs.values()].filter((result) => result.status === "diverged").length;
  const specs = content.results.map((result) => result.spec);
  const seeds = distinct(content.settingRows.map((row) => row.n));
  const experiments = distinct(specs.map((spec) => spec.experiment)).length;
  const lines = [
    `**What was run** (\`${context.profile}\` profile): ${runs.size} distinct runs ` +
    `(${runs.size - diverged} completed, ${diverged} diverged) of ${experiments} ` +
    `experiment${experiments === 1 ? "" : "s"}; ` +
    `${distinct(specs.map((spec) => spec.dataset)).join(", ")}; ` +
    `${distinct(content.settingRows.map((row) => row.model)).join(", ")}; sparsities ` +
    `${
      distinct(specs.map((spec) => spec.sparsity).filter((sparsity) => sparsity !== 0))
        .map(formatSetting).join(", ")
    }${specs.some((spec) => spec.sparsity === 0) ? " and unpruned" : ""}; ` +
    `${
      seeds.length === 1 ? seeds[0] : `${seeds[0]}-${seeds[seeds.length - 1]}`
    } completed seeds per method and sparsity.`,
    "",
    ...table(
      ["claim", "verdict"],
      content.evaluation.claims.map((claim) => [`${claim.id} ${claim.statement}`, claim.verdict]),
    ),
    "",
  ];
  const settings = new Map<string, AggregateRow[]>();
  for (const row of content.settingRows) {
    const key = JSON.stringify([row.dataset, row.model, row.training]);
    settings.set(key, [...(settings.get(key) ?? []), row]);
  }
  for (const rows of settings.values()) {
    if (rows.some((row) => content.methodNames.random.includes(row.methodName))) {
      lines.push(...settingTable(rows, content));
    }
  }
  return lines.join("\n").replace(/\n+$/, "") + "\n";
}

/**
 * The block README.md embeds between {@link README_BEGIN} and
 * {@link README_END} (the lines in between, each ending in `\n`), or an error
 * message naming what is missing.
 */
export function embeddedSummary(readme: string): { block: string } | { error: string } {
  const lines = readme.split("\n");
  const begin = lines.indexOf(README_BEGIN);
  const end = lines.indexOf(README_END);
  if (begin < 0) return { error: `README.md has no line "${README_BEGIN}"` };
  if (end < begin) {
    return { error: `README.md has no line "${README_END}" after "${README_BEGIN}"` };
  }
  const block = lines.slice(begin + 1, end);
  return { block: block.length === 0 ? "" : block.join("\n") + "\n" };
}

/**
 * README.md with `summary` in place of the embedded block (markers kept), or
 * `undefined` when README.md lacks the markers.
 */
export function embedSummary(readme: string, summary: string): string | undefined {
  const lines = readme.split("\n");
  const begin = lines.indexOf(README_BEGIN);
  const end = lines.indexOf(README_END);
  if (begin < 0 || end < begin) return undefined;
  const inner = summary === "" ? [] : summary.replace(/\n$/, "").split("\n");
  return [...lines.slice(0, begin + 1), ...inner, ...lines.slice(end)].join("\n");
}

/**
 * Where two texts first differ, line by line, for a test's message:
 * `line 7: README has "...", the generated summary has "..."`, up to
 * `limit` lines, and how many more lines differ.
 */
export function describeLineDifferences(
  embedded: string,
  generated: string,
  limit = 5,
): string {
  const left = embedded.split("\n");
  const right = generated.split("\n");
  const differing: string[] = [];
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    if (left[index] === right[index]) continue;
    const show = (
      line: string | undefined,
    ) => (line === undefined ? "nothing" : JSON.stringify(line));
    differing.push(
      `line ${index + 1} of the block: README has ${show(left[index])}, ` +
        `the generated summary has ${show(right[index])}`,
    );
  }
  const shown = differing.slice(0, limit);
  if (differing.length > limit) shown.push(`... and ${differing.length - limit} more lines differ`);
  return shown.join("\n");
}
