/**
 * Guarantee 6: a run whose loss becomes NaN or infinite is recorded as
 * `diverged` with where it happened, the sweep goes on with the other runs,
 * the stored JSON holds `null` (never NaN) for its metrics, and the report
 * lists it and leaves it out of every mean.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runId } from "../../src/config/run_id.ts";
import type { RunSpec } from "../../src/config/types.ts";
import { expandExperiment, parseExperimentText } from "../../src/config/mod.ts";
import { ResultStore } from "../../src/runner/store.ts";
import {
  listDirectory,
  runCli,
  syntheticExperiment,
  withTempDir,
  writeExperiment,
} from "./helpers.ts";

/**
 * SGD at a sane and at an absurd learning rate: 1e30 overflows float32 in the first steps
 * (1e6 does not: the ReLUs die and the loss stays large but finite).
 */
const EXPERIMENT = syntheticExperiment("exploding", {
  training: { optimizer: "sgd", learningRate: 0.01, momentum: 0.9, batchSize: 64, epochs: 2 },
  grid: { "training.learningRate": [0.01, 1e30] },
  seeds: [1, 2],
});

/** Parses a CSV of plain cells (no quoted commas in these tables' numeric columns). */
function parseCsv(text: string): Record<string, string>[] {
  const [header, ...rows] = text.trim().split("\n").map((line) => line.split(","));
  return rows.map((row) => Object.fromEntries(header.map((name, index) => [name, row[index]])));
}

Deno.test("numerical faults: a diverged run is recorded, reported and never averaged in", async () => {
  await withTempDir(async (directory) => {
    const file = await writeExperiment(directory, "exploding.json", EXPERIMENT);
    const outDir = join(directory, "out");
    const outcome = await runCli(["run", file, "--out", outDir, "--workers", "2"]);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.match(outcome.stdout, /4 runs: 4 computed, 0 already stored, 2 diverged/);

    const specs: RunSpec[] = expandExperiment(
      parseExperimentText(JSON.stringify(EXPERIMENT), file),
    );
    const store = new ResultStore(join(outDir, "runs"));
    const divergedIds: string[] = [];
    for (const spec of specs) {
      const text = await Deno.readTextFile(store.resultPath(spec));
      assert.ok(!/NaN|Infinity/.test(text), `${runId(spec)}: stored JSON holds NaN or Infinity`);
      const stored = JSON.parse(text);
      const read = await store.read(spec);
      assert.ok(read);
      if (spec.training.learningRate === 1e30) {
        divergedIds.push(runId(spec));
        assert.equal(stored.status, "diverged");
        assert.ok(Number.isInteger(stored.divergedAt?.epoch) && stored.divergedAt.epoch >= 1);
        assert.ok(Number.isInteger(stored.divergedAt?.step) && stored.divergedAt.step >= 1);
        // No number a broken network scored is stored as if it were a result.
        assert.equal(stored.primaryMetric.value, null);
        assert.ok(Object.values(stored.metrics).every((value) => value === null));
        // Read back, the missing values are NaN again (the type says number).
        assert.ok(Number.isNaN(read.primaryMetric.value));
      } else {
        assert.equal(stored.status, "completed");
        assert.equal(stored.divergedAt, undefined);
        assert.ok(stored.primaryMetric.value > 0.2, "the sane runs still learn");
        assert.equal(read.primaryMetric.value, stored.primaryMetric.value);
      }
    }
    assert.equal(divergedIds.length, 2);

    for (const table of ["exploding.csv", "all.csv"]) {
      const rows = parseCsv(await Deno.readTextFile(join(outDir, "tables", table)));
      assert.equal(rows.length, 2, `${table}: one row per learning rate`);
      const [diverged] = rows.filter((row) => row.diverged === "2");
      const [completed] = rows.filter((row) => row.diverged === "0");
      assert.ok(
        diverged && completed,
        `${table}: diverged column is ${rows.map((r) => r.diverged)}`,
      );
      assert.equal(diverged.n, "0");
      assert.equal(diverged.mean, "", `${table}: a mean over diverged runs`);
      assert.equal(completed.n, "2");
      assert.ok(Number(completed.mean) > 0.2);
    }
    const report = await Deno.readTextFile(join(outDir, "REPORT.md"));
    const section = report.slice(report.indexOf("### Diverged runs"));
    assert.ok(report.includes("### Diverged runs"));
    for (const id of divergedIds) assert.ok(section.includes(id), `REPORT.md does not list ${id}`);
    assert.ok(!/NaN/.test(report), "REPORT.md shows NaN");
    assert.ok((await listDirectory(join(outDir, "runs"))).every((name) => name.endsWith(".json")));
  });
});
