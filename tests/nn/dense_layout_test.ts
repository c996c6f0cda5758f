/**
 * The sparse engine's two layer layouts (compressed rows and dense blocks)
 * must give the same bits, not only the same values within tolerance: the
 * layout is chosen by speed and is not part of a run's identity, so a run
 * whose layers change layout must not change by one bit. Also when an
 * activation or an output gradient is not finite, where a dense product
 * would turn 0 * inf into NaN at a pruned weight.
 */
import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import {
  chooseEngine,
  chooseLayerFormat,
  DENSE_LAYOUT_MIN_DENSITY,
  type LayerFormat,
} from "../../src/nn/engine_choice.ts";
import type { LossKind, MaskedNetwork } from "../../src/nn/network.ts";
import { SparseTrainer } from "../../src/nn/sparse_engine.ts";
import { TrainingSession } from "../../src/nn/train.ts";
import { Rng } from "../../src/rng.ts";
import { randomSplit, tinyNetwork, trainingSettings } from "./fixtures.ts";

/** Raw bits of float arrays, so that -0, +0 and NaN payloads count. */
function bits(values: Float32Array[]): Uint32Array[] {
  return values.map((array) => new Uint32Array(array.slice().buffer));
}

/** Masks keeping about `density` of each layer, drawn from `seed`. */
function randomKeep(network: MaskedNetwork, density: number, seed: string): Float32Array[] {
  const rng = new Rng(seed);
  return network.shapes.map((shape) =>
    Float32Array.from(
      { length: shape.inputSize * shape.outputSize },
      () => rng.nextFloat() < density ? 1 : 0,
    )
  );
}

interface Trace {
  losses: number[];
  gradients: Uint32Array[];
  weights: Uint32Array[];
  state: Uint32Array[];
}

/** Two epochs of every batch with `layout` in every layer, and what they leave. */
function train(
  widths: number[],
  loss: LossKind,
  density: number,
  optimizer: "adam" | "sgd",
  batchSize: number,
  layout: LayerFormat,
  resident: "host" | "resident" | "resident after another split" = "host",
): Trace {
  const seed = `${widths.join("-")} ${density} ${optimizer}`;
  const network = tinyNetwork(widths, loss, seed);
  network.setMasks(randomKeep(network, density, seed));
  const autoencoder = loss === "mean-squared-error";
  const data = randomSplit(45, widths[0], autoencoder ? 2 : widths.at(-1)!, autoencoder, seed);
  const settings = trainingSettings({ optimizer, batchSize, learningRate: 0.02 });
  const trainer = new SparseTrainer(network.shapes, network.loss, settings, {
    layerFormat: () => layout,
  });
  if (resident === "resident after another split") {
    const other = randomSplit(
      45,
      widths[0],
      autoencoder ? 2 : widths.at(-1)!,
      autoencoder,
      "other",
    );
    trainer.useData(other.inputs, other.targets);
  }
  if (resident !== "host") trainer.useData(data.inputs, data.targets);
  trainer.load(network);
  const losses: number[] = [];
  const gradients: Uint32Array[] = [];
  for (let epoch = 0; epoch < 2; epoch++) {
    const order = new Rng(`${seed}/${epoch}`).permutation(data.count);
    for (let start = 0; start < data.count; start += batchSize) {
      const end = Math.min(start + batchSize, data.count);
      losses.push(trainer.computeGradients(data.inputs, data.targets, order, start, end));
      trainer.applyUpdate();
      for (const layer of trainer.readGradients()) {
        gradients.push(...bits([layer.kernel, layer.bias]));
      }
    }
  }
  const state = trainer.store(network);
  const result = {
    losses,
    gradients,
    weights: bits([...network.kernels, ...network.biases]),
    state: bits(state.slots),
  };
  network.dispose();
  return result;
}

const CASES = [
  // Widths that are no multiple of 4 (the blocks' remainders), batches padded to 8 and 4 columns.
  { widths: [30, 21, 13, 5], loss: "softmax-cross-entropy" as const, batchSize: 7 },
  { widths: [23, 16, 9, 16, 23], loss: "mean-squared-error" as const, batchSize: 12 },
  { widths: [40, 36, 10], loss: "softmax-cross-entropy" as const, batchSize: 16 },
];

for (const { widths, loss, batchSize } of CASES) {
  for (const density of [1, 0.6, 0.3, 0.05]) {
    for (const optimizer of ["adam", "sgd"] as const) {
      Deno.test(`sparse engine layouts: rows and dense give the same bits, ${widths.join("-")} at density ${density}, ${optimizer}, batch ${batchSize}`, async () => {
        await initBackend("wasm");
        const rows = train(widths, loss, density, optimizer, batchSize, "rows");
        const dense = train(widths, loss, density, optimizer, batchSize, "dense");
        assert.deepEqual(dense.losses, rows.losses);
        assert.deepEqual(dense.gradients, rows.gradients);
        assert.deepEqual(dense.weights, rows.weights);
        assert.deepEqual(dense.state, rows.state);
      });
    }
  }
}

for (const { widths, loss, batchSize } of CASES) {
  Deno.test(`sparse engine: batches gathered from the split kept in the engine give the same bits as batches copied from the host, ${widths.join("-")}`, async () => {
    await initBackend("wasm");
    for (const layout of ["rows", "dense"] as const) {
      const host = train(widths, loss, 0.6, "adam", batchSize, layout);
      for (const resident of ["resident", "resident after another split"] as const) {
        const kept = train(widths, loss, 0.6, "adam", batchSize, layout, resident);
        assert.deepEqual(kept.losses, host.losses, `${layout}, ${resident}`);
        assert.deepEqual(kept.weights, host.weights, `${layout}, ${resident}`);
        assert.deepEqual(kept.state, host.state, `${layout}, ${resident}`);
      }
    }
  });
}

/**
 * A 6-5-4 classifier whose hidden unit 0 overflows to +inf (two inputs times
 * 3e38) while every weight out of it is pruned: the compressed rows never
 * touch it, so the logits stay finite; a dense product would add 0 * inf =
 * NaN. `poisonOutput` also makes one logit NaN (a kept zero weight from
 * unit 0), so that every output gradient is NaN, and active unit 4, whose
 * weights out are all pruned, must still get gradient +0 (rows: no term).
 */
function overflowing(layout: LayerFormat, poisonOutput: boolean): Trace {
  const network = tinyNetwork([6, 5, 4], "softmax-cross-entropy", "overflow");
  const masks = network.getMasks();
  for (let output = 0; output < 4; output++) masks[1][0 * 4 + output] = 0;
  if (poisonOutput) masks[1][0 * 4 + 2] = 1;
  masks[1][3 * 4 + 1] = 0;
  // Unit 4: active, and cut off from every output, so its gradient is +0 in the rows.
  for (let output = 0; output < 4; output++) masks[1][4 * 4 + output] = 0;
  network.setMasks(masks);
  const weights = network.getWeights();
  weights.kernels[0][0 * 5 + 0] = 3e38;
  weights.kernels[0][1 * 5 + 0] = 3e38;
  for (let input = 0; input < 6; input++) weights.kernels[0][input * 5 + 4] = 0.5;
  if (poisonOutput) weights.kernels[1][0 * 4 + 2] = 0;
  network.setWeights(weights);
  const images = new Float32Array(8 * 6).fill(0.9);
  const data = {
    inputs: images,
    targets: new Float32Array(8 * 4).map((_, index) => (index % 4 === 1 ? 1 : 0)),
    labels: new Uint8Array(8).fill(1),
    count: 8,
    inputSize: 6,
    outputSize: 4,
  };
  const trainer = new SparseTrainer(
    network.shapes,
    network.loss,
    trainingSettings({ batchSize: 8 }),
    { layerFormat: () => layout },
  );
  trainer.load(network);
  const order = Int32Array.from({ length: 8 }, (_, index) => index);
  const loss = trainer.computeGradients(data.inputs, data.targets, order, 0, 8);
  const gradients = trainer.readGradients().flatMap((layer) => bits([layer.kernel, layer.bias]));
  network.dispose();
  return { losses: [loss], gradients, weights: [], state: [] };
}

Deno.test("sparse engine layouts: an activation that overflows to inf behind pruned weights gives the same bits in both layouts (finite loss)", async () => {
  await initBackend("wasm");
  const rows = overflowing("rows", false);
  const dense = overflowing("dense", false);
  assert.ok(Number.isFinite(rows.losses[0]), `rows loss ${rows.losses[0]}`);
  assert.deepEqual(dense.losses, rows.losses);
  assert.deepEqual(dense.gradients, rows.gradients);
});

Deno.test("sparse engine layouts: a NaN logit (kept zero weight times inf) gives the same NaN-bearing gradients in both layouts", async () => {
  await initBackend("wasm");
  const rows = overflowing("rows", true);
  const dense = overflowing("dense", true);
  assert.ok(Number.isNaN(rows.losses[0]), `rows loss ${rows.losses[0]}`);
  assert.ok(Number.isNaN(dense.losses[0]), `dense loss ${dense.losses[0]}`);
  assert.deepEqual(dense.gradients, rows.gradients);
});

Deno.test("layer layout: dense from the measured crossover density up, compressed rows below it", () => {
  const shape = { name: "dense_0", inputSize: 784, outputSize: 300, activation: "relu" as const };
  assert.equal(chooseLayerFormat(shape, 1), "dense");
  assert.equal(chooseLayerFormat(shape, DENSE_LAYOUT_MIN_DENSITY), "dense");
  assert.equal(chooseLayerFormat(shape, DENSE_LAYOUT_MIN_DENSITY - 0.001), "rows");
  assert.equal(chooseLayerFormat(shape, 0), "rows");
});

Deno.test("engine choice: revision 2 of auto trains every density on the sparse engine; revision 1 (the default) keeps dense networks on tfjs", async () => {
  await initBackend("wasm");
  const all = [new Float32Array(10).fill(1)];
  assert.equal(chooseEngine("auto", all), "dense");
  assert.equal(chooseEngine("auto", all, 1), "dense");
  assert.equal(chooseEngine("auto", all, 2), "sparse");
  assert.equal(chooseEngine("dense", all, 2), "dense");
  const data = randomSplit(30, 12, 4, false, "revision");
  for (const revision of [1, 2] as const) {
    const network = tinyNetwork([12, 10, 4], "softmax-cross-entropy", "revision");
    const session = new TrainingSession(network, data, trainingSettings(), 1, {
      engine: "auto",
      engineRevision: revision,
    });
    session.trainEpochs(1);
    // A dense-gradient callback keeps an epoch on tfjs in either revision.
    session.trainEpochs(1, { onBatchEnd: () => {} });
    assert.deepEqual(
      session.epochsByEngine,
      revision === 2 ? { sparse: 1, dense: 1 } : { sparse: 0, dense: 2 },
    );
    network.dispose();
  }
});
