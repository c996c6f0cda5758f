/**
 * `resetOptimizer` starts the optimiser afresh (IMP rewinds the weights and
 * must not carry Adam's moments into the next round): a mutation survivor
 * showed that a reset doing nothing went unnoticed.
 *
 * @module
 */

import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import { TrainingSession } from "../../src/nn/train.ts";
import { randomSplit, tinyNetwork, trainingSettings } from "./fixtures.ts";

Deno.test("resetOptimizer: after training, the optimiser state is fresh again (no steps, zero moments)", async () => {
  await initBackend("wasm");
  const network = tinyNetwork([6, 5, 3], "softmax-cross-entropy");
  const session = new TrainingSession(network, randomSplit(40, 6, 3, false), trainingSettings(), 3);
  session.trainEpochs(1);
  const trained = session.saveState().optimizer;
  assert.equal(trained.kind, "adam");
  // 40 examples in batches of 8: five steps; Adam's moments are no longer zero.
  assert.equal(trained.stepCount, 5);
  assert.ok(trained.slots.some((slot) => slot.some((value) => value !== 0)));
  session.resetOptimizer();
  const fresh = session.saveState().optimizer;
  assert.equal(fresh.stepCount, 0);
  assert.equal(fresh.slots.length, trained.slots.length);
  for (const slot of fresh.slots) assert.ok(slot.every((value) => value === 0));
  network.dispose();
});
