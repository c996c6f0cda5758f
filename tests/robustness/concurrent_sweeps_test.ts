/**
 * Guarantee 3: two sweeps started together on one experiment and one output
 * directory split the runs between them: no run is computed twice, no file
 * is half-written, and the results are those of a single sweep.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  cliCommand,
  collect,
  listDirectory,
  readTables,
  runCli,
  sweepCounts,
  syntheticExperiment,
  withTempDir,
  writeExperiment,
} from "./helpers.ts";

const EXPERIMENT = syntheticExperiment("shared", {
  model: { kind: "mlp", hidden: [64] },
  training: { optimizer: "adam", learningRate: 0.003, batchSize: 32, epochs: 2 },
  sparsities: [0.5, 0.8, 0.9],
  seeds: [1, 2],
});
const TOTAL_RUNS = 6;

/** Stored results without wall time, keyed by file name. */
async function storedResults(store: string): Promise<Map<string, unknown>> {
  const results = new Map<string, unknown>();
  for (const name of await listDirectory(store)) {
    const { wallSeconds: _wallSeconds, ...rest } = JSON.parse(
      await Deno.readTextFile(join(store, name)),
    );
    results.set(name, rest);
  }
  return results;
}

Deno.test("concurrent sweeps: two `run`s on one output directory compute each run once", async () => {
  await withTempDir(async (directory) => {
    const file = await writeExperiment(directory, "shared.json", EXPERIMENT);
    const reference = join(directory, "reference");
    const single = await runCli(["run", file, "--out", reference, "--workers", "1"]);
    assert.equal(single.code, 0, single.stderr);

    const outDir = join(directory, "shared");
    const args = ["run", file, "--out", outDir, "--workers", "1"];
    const [first, second] = await Promise.all([
      collect(cliCommand(args).spawn()),
      collect(cliCommand(args).spawn()),
    ]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(second.code, 0, second.stderr);
    const firstCounts = sweepCounts(first.stdout);
    const secondCounts = sweepCounts(second.stdout);
    assert.equal(firstCounts.total, TOTAL_RUNS);
    assert.equal(secondCounts.total, TOTAL_RUNS);
    assert.equal(
      firstCounts.computed + secondCounts.computed,
      TOTAL_RUNS,
      `computed ${firstCounts.computed} + ${secondCounts.computed}: a run was computed twice`,
    );
    // Each sweep accounts for every run: computed by itself, found stored, or left to the other.
    for (const counts of [firstCounts, secondCounts]) {
      assert.equal(counts.computed + counts.stored + counts.byOther, TOTAL_RUNS);
    }

    const store = join(outDir, "runs");
    const names = await listDirectory(store);
    assert.equal(names.length, TOTAL_RUNS, `store holds ${names.join(", ")}`);
    assert.ok(names.every((name) => /^[0-9a-f]+\.json$/.test(name)), names.join(", "));
    assert.deepEqual(await storedResults(store), await storedResults(join(reference, "runs")));
    assert.deepEqual(await readTables(outDir), await readTables(reference));
  });
});
