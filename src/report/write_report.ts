/**
 * Writes the whole report (tables/, figures/, REPORT.md and the README
 * fragment README_SUMMARY.md) for a set of results. Every table is written
 * twice from the same cells, as `tables/NAME.csv` and as its LaTeX copy
 * `tables/NAME.tex`. Every figure is a Vega-Lite specification saved beside
 * its SVG (`figures/x.vl.json`, data inlined), and the SVG is rendered from
 * exactly that saved JSON. Every file is written atomically, and files a
 * previous report left in tables/ (`*.csv`, `*.tex`) and figures/ (`*.svg`,
 * `*.vl.json`) that this one does not produce are removed, so an incremental
 * run and a run from
 * scratch leave the same directory.
 *
 * @module
 */

import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { removeStaleTemporaryFiles, writeFileAtomic } from "../atomic_file.ts";
import type { RunResult } from "../config/types.ts";
import { aggregateBySetting, aggregateResults, rankMethods } from "./aggregate.ts";
import { DEFAULT_PAPER_METHOD_NAMES, evaluateClaims, type PaperMethodNames } from "./claims.ts";
import { evaluateControls } from "./controls.ts";
import {
  bySettingTable,
  claimsTable,
  controlsTable,
  dissipationTable,
  rankingTable,
  resultTable,
  sanityChecksTable,
  tableCsv,
  type TableData,
} from "./csv.ts";
import { dissipationPoints } from "./dissipation.ts";
import { dissipationFigures, type Figure, metricFigures, specPath } from "./figures.ts";
import { forestFigures } from "./forest_plot.ts";
import { forestPlotInputs } from "./forest_rows.ts";
import { disconnectedUnitRows, disconnectedUnitsTable } from "./disconnected_units.ts";
import { evaluateWhenWhich, whenWhichTable } from "./when_which.ts";
import { comparePublished, publishedTable } from "./published_comparison.ts";
import { evaluateSensitivity } from "./sensitivity.ts";
import { sensitivityTable } from "./sensitivity_report.ts";
import type { ForestPlotInput } from "./forest_rows.ts";
import { learningCurveFigures } from "./learning_curves.ts";
import { fileSafeName } from "./format.ts";
import { latexTable } from "./latex.ts";
import { README_SUMMARY_FILE, renderReadmeSummary } from "./readme_summary.ts";
import { compareText, groupRuns, mergeExperiments } from "./grouping.ts";
import { renderReportMarkdown, type ReportContext } from "./report_markdown.ts";
import { methodStyles } from "./styles.ts";
import { type FigureSpec, figureSpecJson, renderFigureSvg } from "./vega_render.ts";

export type { ReportContext } from "./report_markdown.ts";

/** Table names the report itself uses; an experiment may not be called this. */
const RESERVED_TABLES = [
  "all",
  "by-setting",
  "claims",
  "controls",
  "ranking",
  "dissipation",
  "sanity-checks",
  "when-which",
  "disconnected-units",
  "published",
  "sensitivity",
];

/**
 * Builds every report file in memory: a map from path relative to the
 * report directory (`tables/all.csv`, `tables/all.tex`,
 * `figures/x-metric.svg`, `figures/x-metric.vl.json`, `REPORT.md`,
 * `README_SUMMARY.md`) to its content. `forestPlots` adds one forest plot per
 * input (`figures/forest-<id>.svg`). Throws when two files would get the same
 * name, or when vega warns on a figure.
 */
export async function buildReportFiles(
  results: readonly RunResult[],
  context: ReportContext,
  names: PaperMethodNames = DEFAULT_PAPER_METHOD_NAMES,
  forestPlots: readonly ForestPlotInput[] = [],
): Promise<Map<string, string>> {
  const rows = aggregateResults(results);
  const settingRows = aggregateBySetting(results);
  const ranking = rankMethods(rows);
  const evaluation = evaluateClaims(results, context.claims ?? []);
  // Grouped once: the controls and the when/which split pair the same merged groups.
  const merged = mergeExperiments(groupRuns(results));
  const controls = evaluateControls(merged, names);
  const published = comparePublished(merged);
  const sensitivity = evaluateSensitivity(evaluation.claims, context.claims ?? [], merged);
  const points = dissipationPoints(results, names);
  const styles = methodStyles(rows, names);
  const figures: Figure[] = [
    ...metricFigures(rows, styles),
    ...dissipationFigures(points, styles),
    ...learningCurveFigures(results, styles),
    ...forestFigures([...forestPlotInputs(evaluation), ...forestPlots]),
  ];

  const files = new Map<string, string>();
  const add = (path: string, content: string, source: string) => {
    if (files.has(path)) {
      throw new Error(`report: ${source} would overwrite ${path}; rename the experiment`);
    }
    files.set(path, content);
  };

  // Each table twice from the same cells: CSV for programs, LaTeX for papers.
  const addTable = (name: string, data: TableData, source: string) => {
    add(`tables/${name}.csv`, tableCsv(data), source);
    add(`tables/${name}.tex`, latexTable(data, `tables/${name}.csv`), source);
  };
  addTable("all", resultTable(rows), "the table of all results");
  addTable("by-setting", bySettingTable(settingRows), "the table of results by setting");
  addTable("claims", claimsTable(evaluation), "the claims table");
  addTable("controls", controlsTable(controls), "the matched-random controls table");
  addTable("ranking", rankingTable(ranking), "the ranking table");
  addTable("dissipation", dissipationTable(points), "the dissipation table");
  addTable("sanity-checks", sanityChecksTable(evaluation), "the sanity-check table");
  addTable(
    "when-which",
    whenWhichTable(evaluateWhenWhich(merged)),
    "the when-and-which table",
  );
  // Only when a claims file asks for the check, so that a study without one keeps its files.
  if ((context.claims ?? []).some((file) => file.sensitivityExperiments !== undefined)) {
    addTable("sensitivity", sensitivityTable(sensitivity), "the sensitivity table");
  }
  addTable(
    "disconnected-units",
    disconnectedUnitsTable(disconnectedUnitRows(results)),
    "the disconnected-units table",
  );
  addTable("published", publishedTable(published), "the table beside published results");

  const tablePaths = new Map<string, string>();
  const experiments = [...new Set(rows.map((row) => row.experiment))].sort(compareText);
  for (const experiment of experiments) {
    const safeName = fileSafeName(experiment);
    if (RESERVED_TABLES.includes(safeName)) {
      throw new Error(
        `report: experiment name "${experiment}" is reserved for a report table; rename it`,
      );
    }
    addTable(
      safeName,
      resultTable(rows.filter((row) => row.experiment === experiment)),
      `experiment "${experiment}"`,
    );
    tablePaths.set(experiment, `tables/${safeName}.csv`);
  }
  // One at a time: vega numbers clip paths with a counter that each render resets.
  for (const figure of figures) {
    const source = figure.experiment === ""
      ? `figure ${figure.path}`
      : `a figure of "${figure.experiment}"`;
    const json = figureSpecJson(figure.spec);
    add(specPath(figure), json, source);
    add(figure.path, await renderFigureSvg(JSON.parse(json) as FigureSpec, figure.path), source);
  }
  const content = {
    results,
    rows,
    settingRows,
    ranking,
    evaluation,
    controls,
    figures,
    tablePaths,
    methodNames: names,
    forestPlots,
    published,
    sensitivity,
  };
  add("REPORT.md", renderReportMarkdown(content, context), "the report");
  add(README_SUMMARY_FILE, renderReadmeSummary(content, context), "the README summary");
  return files;
}

/** Removes files in `directory` whose name ends in one of `extensions` and that are not in `keep`. */
async function removeStale(
  directory: string,
  extensions: readonly string[],
  keep: ReadonlySet<string>,
): Promise<void> {
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const stale = entry.isFile() && !keep.has(entry.name) &&
      extensions.some((extension) => entry.name.endsWith(extension));
    if (stale) {
      await rm(join(directory, entry.name));
    }
  }
}

/**
 * Writes tables/, figures/, REPORT.md and README_SUMMARY.md for `results`
 * under `outDir`, each file atomically, and removes stale `*.csv` and
 * `*.tex` in tables/ and `*.svg` and `*.vl.json` in figures/. Returns the
 * written files' paths relative to `outDir`, sorted.
 */
export async function writeReport(
  results: RunResult[],
  outDir: string,
  context: ReportContext,
  names: PaperMethodNames = DEFAULT_PAPER_METHOD_NAMES,
  forestPlots: readonly ForestPlotInput[] = [],
): Promise<{ files: string[] }> {
  const files = await buildReportFiles(results, context, names, forestPlots);
  const tablesDirectory = join(outDir, "tables");
  const figuresDirectory = join(outDir, "figures");
  await mkdir(tablesDirectory, { recursive: true });
  await mkdir(figuresDirectory, { recursive: true });
  // A report writer killed mid-write leaves a temporary file; remove those of dead writers.
  for (const directory of [outDir, tablesDirectory, figuresDirectory]) {
    await removeStaleTemporaryFiles(directory);
  }
  const paths = [...files.keys()].sort(compareText);
  for (const path of paths) {
    await writeFileAtomic(join(outDir, ...path.split("/")), files.get(path) as string);
  }
  const namesIn = (prefix: string) =>
    new Set(
      paths.filter((path) => path.startsWith(prefix)).map((path) => path.slice(prefix.length)),
    );
  await removeStale(tablesDirectory, [".csv", ".tex"], namesIn("tables/"));
  await removeStale(figuresDirectory, [".svg", ".vl.json"], namesIn("figures/"));
  return { files: paths };
}
