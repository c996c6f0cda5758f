/**
 * The sparse engine inside whole runs: the result says which engine trained,
 * the engine is part of the run id, and the runner's guarantees (identical
 * reruns, same results with 1 or 2 workers, bit-for-bit resume from a
 * checkpoint) hold on it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { expandExperiment, parseExperimentText } from "../../src/config/mod.ts";
import { runId } from "../../src/config/run_id.ts";
import type { RunResult, RunSpec } from "../../src/config/types.ts";
import { cachingDataProvider, executeRun } from "../../src/runner/run_one.ts";
import { runStudy } from "../../src/runner/study.ts";

const data = cachingDataProvider();

/** Random pruning at 90% (density 0.1: the sparse engine's side of the rule) on synthetic data. */
const DOCUMENT = {
  name: "sparse-runs",
  dataset: "synthetic",
  model: { kind: "mlp", hidden: [24, 12] },
  training: { optimizer: "adam", learningRate: 0.003, batchSize: 50, epochs: 4 },
  methods: [{ name: "random" }, { name: "dissipating", pruningEpochs: 1 }],
  sparsities: [0.9],
  seeds: [1, 2],
};

function specs(overrides: Record<string, unknown> = {}): RunSpec[] {
  return expandExperiment(
    parseExperimentText(JSON.stringify({ ...DOCUMENT, ...overrides }), "sparse-runs.json"),
  );
}

function withoutWallTime(result: RunResult): Omit<RunResult, "wallSeconds"> {
  const { wallSeconds: _wallSeconds, ...rest } = result;
  return rest;
}

Deno.test("sparse runs: the result records the engine's epochs, and engine auto and dense are different runs", async () => {
  const [auto] = specs();
  const [dense] = specs({ engine: "dense" });
  assert.equal(auto.engine, "auto");
  assert.notEqual(runId(auto), runId(dense));
  const sparseResult = await executeRun(auto, data);
  const denseResult = await executeRun(dense, data);
  assert.deepEqual(sparseResult.engine, { setting: "auto", sparseEpochs: 4, denseEpochs: 0 });
  assert.deepEqual(denseResult.engine, { setting: "dense", sparseEpochs: 0, denseEpochs: 4 });
  // Same computation up to rounding: close, not identical.
  const accuracy = (result: RunResult) => result.primaryMetric.value;
  assert.ok(Math.abs(accuracy(sparseResult) - accuracy(denseResult)) < 0.02);
  assert.notDeepEqual(sparseResult.curve, denseResult.curve);
});

Deno.test("sparse runs: dissipation trains every epoch on our engine (revision 2); a stored spec without the revision trains its dense epoch on tfjs, as it did", async () => {
  const dissipating = specs().find((spec) => spec.method.name === "dissipating")!;
  assert.equal(dissipating.engineRevision, 2);
  const result = await executeRun(dissipating, data);
  // One pruning epoch on the dense starting mask, then 3 epochs at 90% sparsity.
  assert.deepEqual(result.engine, { setting: "auto", sparseEpochs: 4, denseEpochs: 0 });
  const { engineRevision: _revision, ...stored } = dissipating;
  assert.notEqual(runId(stored), runId(dissipating));
  const old = await executeRun(stored, data);
  assert.deepEqual(old.engine, { setting: "auto", sparseEpochs: 3, denseEpochs: 1 });
  // Other engines for the first epoch: other bits, the same run up to rounding.
  assert.notDeepEqual(old.curve, result.curve);
  assert.ok(Math.abs(old.primaryMetric.value - result.primaryMetric.value) < 0.05);
});

Deno.test("sparse runs: K-starts candidates train on the sparse engine (their fitness reads kept gradients only)", async () => {
  const [kstarts] = specs({ methods: [{ name: "kstarts", k: 2, selectionEpochs: 1 }] });
  const result = await executeRun(kstarts, data);
  // 2 candidates x 1 epoch, then the winner's 3 remaining epochs, all at density 0.1.
  assert.equal(result.cost.pruningEpochs, 2);
  assert.deepEqual(result.engine, { setting: "auto", sparseEpochs: 5, denseEpochs: 0 });
});

Deno.test("sparse runs: a checkpoint taken after any epoch resumes to the uninterrupted result, bit for bit", async () => {
  const [spec] = specs();
  const uninterrupted = await executeRun(spec, data);
  const directory = await Deno.makeTempDir();
  try {
    for (let crash = 1; crash < 4; crash++) {
      const path = join(directory, `crash-${crash}.checkpoint`);
      await assert.rejects(
        executeRun(spec, data, {
          checkpointPath: path,
          onCheckpoint: (epochs) => {
            if (epochs === crash) throw new Error("simulated crash");
          },
        }),
        /simulated crash/,
      );
      const resumedFrom: number[] = [];
      const resumed = await executeRun(spec, data, {
        checkpointPath: path,
        onCheckpoint: (epochs) => {
          resumedFrom.push(epochs);
        },
      });
      assert.equal(resumedFrom[0] ?? 4, crash + 1, "the run did not resume from its checkpoint");
      assert.equal(
        JSON.stringify(withoutWallTime(resumed)),
        JSON.stringify(withoutWallTime(uninterrupted)),
      );
    }
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});

Deno.test("sparse runs: a study gives the same result files with 1 and with 2 workers", async () => {
  const root = await Deno.makeTempDir();
  try {
    const file = join(root, "sparse-runs.json");
    await Deno.writeTextFile(file, JSON.stringify(DOCUMENT));
    const results = async (workers: number) => {
      const outDir = join(root, `workers-${workers}`);
      await runStudy({ files: [file], outDir, workers, quiet: true });
      const runs = new Map<string, unknown>();
      for await (const entry of Deno.readDir(join(outDir, "runs"))) {
        if (!entry.name.endsWith(".json")) continue;
        const result = JSON.parse(await Deno.readTextFile(join(outDir, "runs", entry.name)));
        runs.set(entry.name, { ...result, wallSeconds: undefined });
      }
      return runs;
    };
    const one = await results(1);
    const two = await results(2);
    assert.equal(one.size, 4);
    assert.deepEqual([...two.keys()].sort(), [...one.keys()].sort());
    for (const [name, result] of one) {
      assert.ok((result as RunResult).engine!.sparseEpochs > 0, `${name} trained no sparse epoch`);
      assert.deepEqual(two.get(name), result, `${name} differs between 1 and 2 workers`);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
