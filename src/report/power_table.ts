/**
 * The seed plan from a study's own cells: reads a report's `tables/claims.csv`,
 * takes the per-seed sd of every primary cell (from its 95% interval and its
 * pairs), in units of the cell's margin, and prints, per model, the sd's
 * quantiles and the two planning powers of {@link cellPowers} at them for 3 to
 * 12 seeds. docs/methods.md ("Seeds: the power analysis") quotes its output.
 *
 * Usage: `deno task power [results/standard/tables/claims.csv]`
 *
 * @module
 */

import { parse } from "csv-parse/sync";
import { cellPowers } from "./power.ts";
import { studentTQuantile } from "./statistics.ts";

/** One primary cell's sd of the per-seed differences, in margins. */
export interface PlanningCell {
  /** The claim's id (C1, ...). */
  claim: string;
  /** The model label (e.g. `mlp[300-100]`). */
  model: string;
  /** The cell's sparsity. */
  sparsity: number;
  /** Seed pairs. */
  pairs: number;
  /** sd of the per-seed differences divided by the margin. */
  standardDeviation: number;
}

/**
 * The primary cells of a claims table with an interval, and their sd in
 * margins: half the interval's width is t(0.975, n - 1)·s/√n.
 *
 * @param text the contents of `tables/claims.csv`
 * @param source the file's name, for errors
 */
export function planningCells(text: string, source: string): PlanningCell[] {
  const rows = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const needed = ["claim", "scope", "role", "model", "sparsity", "pairs", "margin", "ci95Low"];
  if (rows.length > 0) {
    for (const column of [...needed, "ci95High"]) {
      if (!(column in rows[0])) throw new Error(`${source}: no column '${column}'`);
    }
  }
  const cells: PlanningCell[] = [];
  for (const row of rows) {
    if (row.scope !== "pair" || row.role !== "primary" || row.ci95Low === "") continue;
    const pairs = Number(row.pairs);
    const margin = Number(row.margin);
    const halfWidth = (Number(row.ci95High) - Number(row.ci95Low)) / 2;
    const standardDeviation = halfWidth / studentTQuantile(0.975, pairs - 1) * Math.sqrt(pairs) /
      margin;
    if (!Number.isFinite(standardDeviation) || !(margin > 0)) {
      throw new Error(`${source}: claim ${row.claim} at ${row.sparsity}: unreadable interval`);
    }
    cells.push({
      claim: row.claim,
      model: row.model,
      sparsity: Number(row.sparsity),
      pairs,
      standardDeviation,
    });
  }
  return cells;
}

/** The q-quantile of sorted values, interpolated linearly (type 7). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError("quantile of no values");
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/** Simulated cells per power figure: standard error at most 0.005. */
const TRIALS = 10000;
const SEEDS = [3, 4, 5, 6, 7, 8, 9, 10, 12];

if (import.meta.main) {
  const file = Deno.args[0] ?? "results/standard/tables/claims.csv";
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    console.error(`power: cannot read ${file}: ${(error as Error).message}`);
    Deno.exit(2);
  }
  const cells = planningCells(text, file);
  const models = [...new Set(cells.map((cell) => cell.model))].sort();
  for (const model of models) {
    const sds = cells.filter((cell) => cell.model === model)
      .map((cell) => cell.standardDeviation).sort((a, b) => a - b);
    console.log(
      `${model}: ${sds.length} primary cells; sd of the per-seed differences in margins: ` +
        `median ${quantile(sds, 0.5).toFixed(2)}, 75th percentile ${
          quantile(sds, 0.75).toFixed(2)
        }, max ${sds[sds.length - 1].toFixed(2)}`,
    );
    for (const [name, q] of [["median", 0.5], ["75th percentile", 0.75]] as const) {
      const sd = quantile(sds, q);
      const powers = cellPowers(Number(sd.toFixed(2)), SEEDS, 0.05, TRIALS);
      console.log(`  at the ${name} (sd ${sd.toFixed(2)} margins):`);
      console.log(
        `    seeds                               ${
          SEEDS.map((n) => String(n).padStart(5)).join("")
        }`,
      );
      console.log(
        `    P(better by at least the margin | 2δ) ${
          powers.map((power) => power.supportsAtTwiceTheMargin.toFixed(2).padStart(5)).join("")
        }`,
      );
      console.log(
        `    P(interval inside ±margin | 0)       ${
          powers.map((power) => power.insideMarginAtZero.toFixed(2).padStart(5)).join("")
        }`,
      );
    }
  }
}
