/**
 * Writes the whole report (tables/, figures/ and REPORT.md) for a set of
 * results. Every file is written atomically, and files a previous report left
 * in tables/ (`*.csv`) and figures/ (`*.svg`) that this one does not produce
 * are removed, so an incremental run and a run from scratch leave the same
 * directory.
 *
 * @module
 */

import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { removeStaleTemporaryFiles, writeFileAtomic } from "../atomic_file.ts";
import type { RunResult } from "../config/types.ts";
import { aggregateResults, rankMethods } from "./aggregate.ts";
import { DEFAULT_PAPER_METHOD_NAMES, evaluateClaims, type PaperMethodNames } from "./claims.ts";
import { evaluateControls } from "./controls.ts";
import {
  claimsCsv,
  controlsCsv,
  dissipationCsv,
  rankingCsv,
  resultTableCsv,
  sanityChecksCsv,
} from "./csv.ts";
import { dissipationPoints } from "./dissipation.ts";
import { dissipationFigures, metricFigures } from "./figures.ts";
import { fileSafeName } from "./format.ts";
import { compareText, groupRuns, mergeExperiments } from "./grouping.ts";
import { renderReportMarkdown, type ReportContext } from "./report_markdown.ts";
import { methodStyles } from "./styles.ts";

export type { ReportContext } from "./report_markdown.ts";

/** Table names the report itself uses; an experiment may not be called this. */
const RESERVED_TABLES = ["all", "claims", "controls", "ranking", "dissipation", "sanity-checks"];

/**
 * Builds every report file in memory: a map from path relative to the
 * report directory (`tables/all.csv`, `figures/x-metric.svg`, `REPORT.md`)
 * to its content. Throws when two files would get the same name.
 */
export function buildReportFiles(
  results: readonly RunResult[],
  context: ReportContext,
  names: PaperMethodNames = DEFAULT_PAPER_METHOD_NAMES,
): Map<string, string> {
  const rows = aggregateResults(results);
  const ranking = rankMethods(rows);
  const evaluation = evaluateClaims(results, context.claims ?? []);
  const controls = evaluateControls(mergeExperiments(groupRuns(results)), names);
  const points = dissipationPoints(results, names);
  const styles = methodStyles(rows, names);
  const figures = [...metricFigures(rows, styles), ...dissipationFigures(points, styles)];

  const files = new Map<string, string>();
  const add = (path: string, content: string, source: string) => {
    if (files.has(path)) {
      throw new Error(`report: ${source} would overwrite ${path}; rename the experiment`);
    }
    files.set(path, content);
  };

  add("tables/all.csv", resultTableCsv(rows), "the table of all results");
  add("tables/claims.csv", claimsCsv(evaluation), "the claims table");
  add("tables/controls.csv", controlsCsv(controls), "the matched-random controls table");
  add("tables/ranking.csv", rankingCsv(ranking), "the ranking table");
  add("tables/dissipation.csv", dissipationCsv(points), "the dissipation table");
  add("tables/sanity-checks.csv", sanityChecksCsv(evaluation), "the sanity-check table");

  const tablePaths = new Map<string, string>();
  const experiments = [...new Set(rows.map((row) => row.experiment))].sort(compareText);
  for (const experiment of experiments) {
    const safeName = fileSafeName(experiment);
    if (RESERVED_TABLES.includes(safeName)) {
      throw new Error(
        `report: experiment name "${experiment}" is reserved for a report table; rename it`,
      );
    }
    const path = `tables/${safeName}.csv`;
    add(
      path,
      resultTableCsv(rows.filter((row) => row.experiment === experiment)),
      `experiment "${experiment}"`,
    );
    tablePaths.set(experiment, path);
  }
  for (const figure of figures) add(figure.path, figure.svg, `a figure of "${figure.experiment}"`);
  add(
    "REPORT.md",
    renderReportMarkdown(
      { results, rows, ranking, evaluation, controls, figures, tablePaths, methodNames: names },
      context,
    ),
    "the report",
  );
  return files;
}

/** Removes `*.<extension>` files in `directory` that are not in `keep`. */
async function removeStale(
  directory: string,
  extension: string,
  keep: ReadonlySet<string>,
): Promise<void> {
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(extension) && !keep.has(entry.name)) {
      await rm(join(directory, entry.name));
    }
  }
}

/**
 * Writes tables/, figures/ and REPORT.md for `results` under `outDir`, each
 * file atomically, and removes stale `*.csv` in tables/ and `*.svg` in
 * figures/. Returns the written files' paths relative to `outDir`, sorted.
 */
export async function writeReport(
  results: RunResult[],
  outDir: string,
  context: ReportContext,
  names: PaperMethodNames = DEFAULT_PAPER_METHOD_NAMES,
): Promise<{ files: string[] }> {
  const files = buildReportFiles(results, context, names);
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
  await removeStale(tablesDirectory, ".csv", namesIn("tables/"));
  await removeStale(figuresDirectory, ".svg", namesIn("figures/"));
  return { files: paths };
}
