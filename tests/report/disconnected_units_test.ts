import assert from "node:assert/strict";
import type { DisconnectedUnits, RunResult } from "../../src/config/types.ts";
import {
  DISCONNECTED_UNITS_HEADER,
  disconnectedUnitRows,
  disconnectedUnitsCsv,
} from "../../src/report/disconnected_units.ts";
import { makeResult } from "./fixtures.ts";

/** A result whose final mask cut off (noInput, noOutput) units of dense_0 and dense_1. */
function counted(
  options: Parameters<typeof makeResult>[0],
  hidden: [number, number],
  output: [number, number] = [0, 0],
): RunResult {
  const result = makeResult(options);
  const units: DisconnectedUnits[] = [
    { layer: "dense_0", units: 300, noInput: hidden[0], noOutput: hidden[1] },
    { layer: "dense_1", units: 100, noInput: 0, noOutput: 0 },
    { layer: "dense_2", units: 10, noInput: output[0], noOutput: output[1] },
  ];
  result.sparsity.disconnectedUnits = units;
  return result;
}

Deno.test("disconnectedUnitRows: mean and largest counts beside the mean metric, non-zero cells only", () => {
  const results = [
    // SNIP at 0.98: three seeds, dense_0 loses 4, 0 and 8 units' inputs, 2, 1, 0 outputs.
    counted({ method: "snip", sparsity: 0.98, seed: 1, value: 0.8 }, [4, 2]),
    counted({ method: "snip", sparsity: 0.98, seed: 2, value: 0.7 }, [0, 1]),
    counted({ method: "snip", sparsity: 0.98, seed: 3, value: 0.9 }, [8, 0], [1, 0]),
    // Random at 0.98 cuts off nothing: no row.
    counted({ method: "random", sparsity: 0.98, seed: 1, value: 0.85 }, [0, 0]),
    // A run stored before the count was recorded: not counted, no row.
    makeResult({ method: "grasp", sparsity: 0.98, seed: 1, value: 0.83 }),
  ];
  const rows = disconnectedUnitRows(results);
  assert.deepEqual(
    rows.map((row) => [row.method, row.layer, row.runs, row.meanNoInput, row.maxNoInput]),
    [["snip", "dense_0", 3, 4, 8], ["snip", "dense_2", 3, 1 / 3, 1]],
  );
  assert.equal(rows[0].meanNoOutput, 1);
  assert.equal(rows[0].maxNoOutput, 2);
  assert.equal(rows[0].units, 300);
  assert.equal(rows[0].sparsity, 0.98);
  assert.ok(Math.abs(rows[0].meanMetric! - 0.8) < 1e-12);
  assert.equal(rows[0].metric, "testAccuracy");
  const csv = disconnectedUnitsCsv(rows).split("\n");
  assert.equal(csv[0], DISCONNECTED_UNITS_HEADER.join(","));
  assert.ok(csv[1].endsWith(",0.98,dense_0,300,3,4.0,8,1.0,2,testAccuracy,0.800000"), csv[1]);
  assert.ok(csv[2].includes(",dense_2,10,3,0.3,1,0.0,0,"), csv[2]);
  assert.equal(csv.length, 4); // header, two rows, and the final newline
});

Deno.test("disconnectedUnitRows: a diverged run counts its units but not its metric", () => {
  const rows = disconnectedUnitRows([
    counted({ method: "grasp", sparsity: 0.99, seed: 1, value: 0.6 }, [10, 0]),
    counted({ method: "grasp", sparsity: 0.99, seed: 2, status: "diverged" }, [20, 0]),
  ]);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].meanNoInput, 15);
  assert.ok(Math.abs(rows[0].meanMetric! - 0.6) < 1e-12);
});
