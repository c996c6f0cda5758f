/**
 * Guarantee 2: a run checkpoints at the end of each training epoch and,
 * interrupted and started again, resumes mid-run and ends with a result
 * identical, bit for bit, to an uninterrupted run's (wall time aside).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { expandExperiment, parseExperimentText } from "../../src/config/mod.ts";
import type { RunResult, RunSpec } from "../../src/config/types.ts";
import { decodeCheckpoint, encodeCheckpoint } from "../../src/runner/checkpoint.ts";
import { cachingDataProvider, executeRun } from "../../src/runner/run_one.ts";
import { ResultStore } from "../../src/runner/store.ts";
import { checkpointsRun, runSweep } from "../../src/runner/sweep.ts";
import { exists, listDirectory, syntheticExperiment, withTempDir } from "./helpers.ts";

const data = cachingDataProvider();

function specOf(overrides: Record<string, unknown>): RunSpec {
  const document = syntheticExperiment("checkpointed", overrides);
  const [spec] = expandExperiment(parseExperimentText(JSON.stringify(document), "c.json"));
  return spec;
}

/** Adam, random pruning, four epochs. */
const ADAM_SPEC = specOf({
  training: { optimizer: "adam", learningRate: 0.003, batchSize: 64, epochs: 4 },
});
/** SGD with momentum; dissipating spends one epoch choosing the mask on the final network. */
const SGD_SPEC = specOf({
  training: { optimizer: "sgd", learningRate: 0.05, momentum: 0.9, batchSize: 64, epochs: 4 },
  methods: [{ name: "dissipating", pruningEpochs: 1 }],
  sparsities: [0.8],
});

class SimulatedCrash extends Error {}

function withoutWallTime(result: RunResult): Omit<RunResult, "wallSeconds"> {
  const { wallSeconds: _wallSeconds, ...rest } = result;
  return rest;
}

/** Runs `spec` with a checkpoint, crashing right after the checkpoint of epoch `crashAfter`. */
async function crashAfter(spec: RunSpec, path: string, crashAfter: number): Promise<void> {
  await assert.rejects(
    executeRun(spec, data, {
      checkpointPath: path,
      onCheckpoint: (epochs) => {
        if (epochs === crashAfter) throw new SimulatedCrash(`crash after epoch ${epochs}`);
      },
    }),
    SimulatedCrash,
  );
}

for (const [label, spec] of [["adam", ADAM_SPEC], ["sgd + dissipating", SGD_SPEC]] as const) {
  Deno.test(`checkpoint (${label}): resumed runs equal an uninterrupted run bit for bit`, async () => {
    await withTempDir(async (directory) => {
      const uninterrupted = await executeRun(spec, data);
      const trainingEpochs = uninterrupted.cost.trainingEpochs;
      assert.ok(trainingEpochs >= 3);
      for (let crash = 1; crash < trainingEpochs; crash++) {
        const path = join(directory, `crash-${crash}.checkpoint`);
        await crashAfter(spec, path, crash);
        assert.equal(decodeCheckpoint(await Deno.readTextFile(path)).trainingEpochsDone, crash);
        // The resumed run starts after the checkpointed epoch: it checkpoints only later ones.
        const checkpointed: number[] = [];
        const resumed = await executeRun(spec, data, {
          checkpointPath: path,
          onCheckpoint: (epochs) => {
            checkpointed.push(epochs);
          },
        });
        const later = Array.from({ length: trainingEpochs - 1 - crash }, (_, i) => crash + 1 + i);
        assert.deepEqual(checkpointed, later, "the run did not resume from its checkpoint");
        assert.deepEqual(withoutWallTime(resumed), withoutWallTime(uninterrupted));
        assert.equal(
          JSON.stringify(withoutWallTime(resumed)),
          JSON.stringify(withoutWallTime(uninterrupted)),
        );
      }
    });
  });
}

Deno.test("checkpoint: one of another run, or with other masks, is ignored rather than used", async () => {
  await withTempDir(async (directory) => {
    const uninterrupted = await executeRun(ADAM_SPEC, data);
    const path = join(directory, "run.checkpoint");
    await crashAfter(ADAM_SPEC, path, 2);
    const checkpoint = decodeCheckpoint(await Deno.readTextFile(path));

    // Other masks (as if the pruning method had changed): start over, same result.
    const flipped = checkpoint.masks.map((mask) => mask.map((value) => 1 - value));
    await Deno.writeTextFile(path, encodeCheckpoint({ ...checkpoint, masks: flipped }));
    const checkpointed: number[] = [];
    const fromScratch = await executeRun(ADAM_SPEC, data, {
      checkpointPath: path,
      onCheckpoint: (epochs) => {
        checkpointed.push(epochs);
      },
    });
    assert.deepEqual(checkpointed, [1, 2, 3]);
    assert.deepEqual(withoutWallTime(fromScratch), withoutWallTime(uninterrupted));

    // Another run's checkpoint, and an unreadable one, are not used either.
    for (const text of [encodeCheckpoint({ ...checkpoint, runId: "0000000000000000" }), "{trunc"]) {
      await Deno.writeTextFile(path, text);
      const result = await executeRun(ADAM_SPEC, data, { checkpointPath: path });
      assert.deepEqual(withoutWallTime(result), withoutWallTime(uninterrupted));
    }
  });
});

Deno.test("checkpoint: a sweep resumes from a store's checkpoint and deletes it with the result", async () => {
  await withTempDir(async (directory) => {
    const uninterrupted = await executeRun(SGD_SPEC, data);
    const store = new ResultStore(directory);
    await crashAfter(SGD_SPEC, store.checkpointPath(SGD_SPEC), 1);
    const summary = await runSweep([SGD_SPEC], store, {
      workers: 1,
      quiet: true,
      checkpoint: true,
    });
    assert.equal(summary.computed, 1);
    assert.equal(await exists(store.checkpointPath(SGD_SPEC)), false, "checkpoint left behind");
    assert.deepEqual(await listDirectory(directory), [`${uninterrupted.runId}.json`]);
    const stored = await store.read(SGD_SPEC);
    assert.ok(stored);
    assert.deepEqual(withoutWallTime(stored), withoutWallTime(uninterrupted));
  });
});

Deno.test("checkpoint: on by default only for runs of 10 or more epochs; an option overrides", () => {
  const long = { ...ADAM_SPEC, training: { ...ADAM_SPEC.training, epochs: 10 } };
  assert.equal(checkpointsRun(ADAM_SPEC, {}), false);
  assert.equal(checkpointsRun(long, {}), true);
  assert.equal(checkpointsRun(ADAM_SPEC, { checkpoint: true }), true);
  assert.equal(checkpointsRun(long, { checkpoint: false }), false);
});
