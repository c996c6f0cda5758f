/**
 * What REPORT.md is rendered from: the caller's context (profile, files,
 * versions; never times) and the already computed results, claims,
 * controls and figures.
 *
 * @module
 */

import type { RunResult } from "../config/types.ts";
import type { ClaimsFile } from "../config/claims_schema.ts";
import type { AggregateRow, RankingRow } from "./aggregate.ts";
import type { ClaimsEvaluation, PaperMethodNames } from "./claims.ts";
import type { ControlRow } from "./controls.ts";
import type { Figure } from "./figures.ts";
import type { ForestPlotInput } from "./forest_rows.ts";
import type { PublishedComparison } from "./published_comparison.ts";
import type { SensitivityEvaluation } from "./sensitivity.ts";

/** What the caller knows about how the report was produced (no times). */
export interface ReportContext {
  /** Profile the experiments were run with, e.g. `smoke` or `full`. */
  profile: string;
  /** The experiment files the results come from. */
  experiments: { name: string; file: string; hash: string }[];
  /** Versions of the tool and its runtime, e.g. `{ tool, deno, tfjs, backend }`. */
  versions: Record<string, string>;
  /**
   * Distinct runs the study has, stored or not; when more than the distinct
   * runs among the results given, the report says "N of M runs stored" and
   * is marked incomplete.
   */
  expectedRuns?: number;
  /** The claims files to judge (none: the report judges no claim). */
  claims?: readonly ClaimsFile[];
}

/** Everything the markdown report shows, already computed. */
export interface ReportContent {
  /** All results (diverged included). */
  results: readonly RunResult[];
  /** Aggregated table rows, sorted. */
  rows: readonly AggregateRow[];
  /**
   * Aggregated rows by setting (dataset, model, training), experiments that
   * share runs merged, sorted (see `aggregateBySetting`).
   */
  settingRows: readonly AggregateRow[];
  /** Method ranking, sorted. */
  ranking: readonly RankingRow[];
  /** Claims and sanity checks. */
  evaluation: ClaimsEvaluation;
  /** Matched-random controls (which weights vs how many per layer). */
  controls: readonly ControlRow[];
  /** Figures, with paths relative to the report directory. */
  figures: readonly Figure[];
  /** Path of each experiment's CSV table relative to the report directory. */
  tablePaths: ReadonlyMap<string, string>;
  /** Registry names the claims read as the paper's methods. */
  methodNames: PaperMethodNames;
  /**
   * What each claim's forest plot draws (its figure is among `figures`, kind
   * `forest`, path `figures/forest-<id>.svg`); empty when none were given.
   */
  forestPlots?: readonly ForestPlotInput[];
  /** The study beside published figures (`published_comparison.ts`). */
  published: PublishedComparison;
  /** Whether each verdict holds across the sensitivity settings; absent: not checked. */
  sensitivity?: SensitivityEvaluation;
}
