import assert from "node:assert/strict";
import * as tf from "../../src/nn/tf.ts";
import type { TrainingSettings } from "../../src/config/types.ts";
import { initBackend } from "../../src/nn/backend.ts";
import type { LossKind, MaskedNetwork, Masks } from "../../src/nn/network.ts";
import { createOptimizer, type OptimizerState } from "../../src/nn/optimizers.ts";
import { SparseTrainer } from "../../src/nn/sparse_engine.ts";
import type { LayerFormat } from "../../src/nn/engine_choice.ts";
import { batchTensors, evaluate, forwardBackward, type PreparedSplit } from "../../src/nn/train.ts";
import { Rng } from "../../src/rng.ts";
import { randomSplit, tinyNetwork, trainingSettings } from "./fixtures.ts";

/**
 * Masks keeping about `density` of each kernel (drawn from `seed`), with one
 * input feature and one output unit of every layer pruned entirely (an empty
 * row and an empty column of the compressed layout) when density < 1.
 */
function masksAt(network: MaskedNetwork, density: number, seed: string): Masks {
  const rng = new Rng(seed);
  return network.shapes.map((shape) => {
    const mask = new Float32Array(shape.inputSize * shape.outputSize);
    if (density === 1) return mask.fill(1);
    for (let position = 0; position < mask.length; position++) {
      mask[position] = rng.nextFloat() < density ? 1 : 0;
    }
    const emptyInput = rng.nextInt(shape.inputSize);
    const emptyOutput = rng.nextInt(shape.outputSize);
    for (let output = 0; output < shape.outputSize; output++) {
      mask[emptyInput * shape.outputSize + output] = 0;
    }
    for (let input = 0; input < shape.inputSize; input++) {
      mask[input * shape.outputSize + emptyOutput] = 0;
    }
    return mask;
  });
}

/**
 * How far two float32 computations of the same sum may differ: the engines
 * add the same terms in different orders, each rounding to float32 (relative
 * error 2^-24 per addition), over at most a batch (here < 40 terms) or a
 * fan-in (< 40) per sum and a few layers of such sums. 1e-5 relative to the
 * largest value of the tensor (plus 1e-7 absolute, for tensors near zero)
 * bounds that with a margin, and is still a thousand times smaller than any
 * real error (a missing or extra term changes a value by ~1e-2 relative).
 */
function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 0;
  for (const value of expected) scale = Math.max(scale, Math.abs(value));
  const tolerance = 1e-5 * scale + 1e-7;
  for (let index = 0; index < expected.length; index++) {
    assert.ok(
      Math.abs(actual[index] - expected[index]) <= tolerance,
      `${what}[${index}]: sparse ${actual[index]}, dense ${
        expected[index]
      } (tolerance ${tolerance})`,
    );
  }
}

/** Dense kernel gradient with pruned positions zeroed (the sparse engine has none there). */
function maskedGradient(gradient: Float32Array, mask: Float32Array): Float32Array {
  return gradient.map((value, index) => (mask[index] === 0 ? 0 : value));
}

interface Case {
  widths: number[];
  loss: LossKind;
  density: number;
  batchSize: number;
}

const CASES: Case[] = [];
for (const density of [1, 0.5, 0.1, 0.02, 0]) {
  // 5 and 7: not multiples of the SIMD width; 21 and 37: a 16-column tile plus a remainder.
  CASES.push({ widths: [30, 20, 12, 5], loss: "softmax-cross-entropy", density, batchSize: 7 });
  CASES.push({ widths: [24, 16, 8, 16, 24], loss: "mean-squared-error", density, batchSize: 21 });
}
CASES.push({ widths: [40, 36, 10], loss: "softmax-cross-entropy", density: 0.1, batchSize: 37 });
// Batches of 6 are padded to 8 columns, the last (2 examples) to 4: the
// padding of the last batch lies where the previous batches held values.
CASES.push({ widths: [20, 9, 20], loss: "mean-squared-error", density: 0.5, batchSize: 6 });

/** Both layer layouts of the sparse engine: each must equal the dense path on its own. */
const LAYOUTS: LayerFormat[] = ["rows", "dense"];

/** A trainer whose every layer has `layout`. */
function trainerWith(
  network: MaskedNetwork,
  settings: TrainingSettings,
  layout: LayerFormat,
): SparseTrainer {
  return new SparseTrainer(network.shapes, network.loss, settings, { layerFormat: () => layout });
}

function describe(test: Case): string {
  return `${test.loss === "mean-squared-error" ? "autoencoder" : "classifier"} ${
    test.widths.join("-")
  } at density ${test.density}, batch ${test.batchSize}`;
}

function splitFor(test: Case, seed: string): PreparedSplit {
  const autoencoder = test.loss === "mean-squared-error";
  const last = test.widths[test.widths.length - 1];
  return randomSplit(50, test.widths[0], autoencoder ? 2 : last, autoencoder, seed);
}

for (const test of CASES) {
  for (const layout of LAYOUTS) {
    Deno.test(`sparse engine (${layout} layout) = dense masked path: loss and gradients, ${describe(test)}`, async () => {
      await initBackend("wasm");
      const seed = describe(test);
      const network = tinyNetwork(test.widths, test.loss, seed);
      const masks = masksAt(network, test.density, seed);
      network.setMasks(masks);
      const data = splitFor(test, seed);
      const order = new Rng(`${seed}/order`).permutation(data.count);
      const settings = trainingSettings({ batchSize: test.batchSize });
      const trainer = trainerWith(network, settings, layout);
      trainer.load(network, createOptimizer(settings, network).saveState());
      assert.deepEqual(trainer.layerFormats, network.shapes.map(() => layout));
      // Every batch of the epoch, the last one partial (50 is no multiple of the batch sizes).
      for (let start = 0; start < data.count; start += test.batchSize) {
        const end = Math.min(start + test.batchSize, data.count);
        const sparseLoss = trainer.computeGradients(data.inputs, data.targets, order, start, end);
        const { inputs, targets } = batchTensors(data, order, start, end);
        const dense = forwardBackward(network, inputs, targets);
        tf.dispose(targets === inputs ? [inputs] : [inputs, targets]);
        const where = `batch at ${start}`;
        assert.ok(
          Math.abs(sparseLoss - dense.loss) <= 1e-5 * Math.abs(dense.loss) + 1e-7,
          `${where}: loss ${sparseLoss} vs ${dense.loss}`,
        );
        const gradients = trainer.readGradients();
        assert.equal(gradients.length, network.shapes.length, `${where}: one entry per layer`);
        gradients.forEach((gradient, layer) => {
          assertClose(
            gradient.kernel,
            maskedGradient(dense.gradients[layer].kernel, masks[layer]),
            `${where}, kernel ${layer}`,
          );
          assertClose(gradient.bias, dense.gradients[layer].bias, `${where}, bias ${layer}`);
        });
      }
      network.dispose();
    });
  }
}

for (const optimizer of ["adam", "sgd"] as const) {
  for (const density of [1, 0.1, 0.02]) {
    for (const layout of LAYOUTS) {
      Deno.test(`sparse engine (${layout} layout) = dense masked path: three ${optimizer} steps at density ${density}`, async () => {
        await initBackend("wasm");
        const test: Case = {
          widths: [30, 20, 12, 5],
          loss: "softmax-cross-entropy",
          density,
          batchSize: 9,
        };
        const seed = `${optimizer} step ${density}`;
        const settings: TrainingSettings = trainingSettings({
          optimizer,
          learningRate: 0.01,
          momentum: 0.9,
          batchSize: test.batchSize,
        });
        const data = splitFor(test, seed);
        const order = new Rng(`${seed}/order`).permutation(data.count);
        const dense = tinyNetwork(test.widths, test.loss, seed);
        const masks = masksAt(dense, density, seed);
        dense.setMasks(masks);
        const sparse = tinyNetwork(test.widths, test.loss, seed);
        sparse.setMasks(masks);
        const denseOptimizer = createOptimizer(settings, dense);
        const sparseOptimizer = createOptimizer(settings, sparse);
        const trainer = trainerWith(sparse, settings, layout);
        trainer.load(sparse, sparseOptimizer.saveState());
        for (let step = 0; step < 3; step++) {
          const start = step * test.batchSize;
          const { inputs, targets } = batchTensors(data, order, start, start + test.batchSize);
          denseOptimizer.step(dense, forwardBackward(dense, inputs, targets).gradients);
          tf.dispose([inputs, targets]);
          trainer.computeGradients(data.inputs, data.targets, order, start, start + test.batchSize);
          trainer.applyUpdate();
        }
        const state = trainer.store(sparse);
        const denseState = denseOptimizer.saveState();
        assert.equal(state.stepCount, 3);
        assert.equal(state.slots.length, denseState.slots.length);
        // Adam divides by sqrt(v) + 1e-8: where a gradient is tiny, a relative
        // difference of 1e-5 in it moves the step by as much, so parameters are
        // compared against the step size (lr = 0.01) rather than their own size.
        dense.kernels.forEach((kernel, layer) => {
          for (let position = 0; position < kernel.length; position++) {
            const difference = Math.abs(sparse.kernels[layer][position] - kernel[position]);
            assert.ok(difference <= 1e-5, `kernel ${layer}[${position}] differs by ${difference}`);
            if (masks[layer][position] === 0) {
              assert.ok(Object.is(sparse.kernels[layer][position], 0), "pruned weight not +0");
            }
          }
          assertClose(sparse.biases[layer], dense.biases[layer], `bias ${layer}`);
        });
        state.slots.forEach((slot, index) =>
          assertClose(slot, denseState.slots[index], `slot ${index}`)
        );
        dense.dispose();
        sparse.dispose();
      });
    }
  }
}

for (const density of [0.5, 0.1, 0.02, 0]) {
  for (const loss of ["softmax-cross-entropy", "mean-squared-error"] as const) {
    Deno.test(`sparse engine = dense path: evaluation of a ${loss} network at density ${density}, in chunks of 16 (the last partial)`, async () => {
      await initBackend("wasm");
      const test: Case = {
        widths: loss === "mean-squared-error" ? [20, 9, 20] : [30, 20, 12, 5],
        loss,
        density,
        batchSize: 16,
      };
      const seed = `evaluation ${describe(test)}`;
      const network = tinyNetwork(test.widths, loss, seed);
      network.setMasks(masksAt(network, density, seed));
      const data = splitFor(test, seed);
      const sparse = evaluate(network, data, 16, "sparse");
      const dense = evaluate(network, data, 16, "dense");
      assert.ok(
        Math.abs(sparse.loss - dense.loss) <= 1e-5 * Math.abs(dense.loss) + 1e-7,
        `loss ${sparse.loss} vs ${dense.loss}`,
      );
      assert.equal(sparse.accuracy, dense.accuracy);
      assert.equal(sparse.reconstructionError === undefined, loss === "softmax-cross-entropy");
      // The evaluation trained nothing: the same network evaluates the same on the dense path.
      assert.deepEqual(evaluate(network, data, 16, "dense"), dense);
      // Other weights and masks on the same network: evaluated afresh, not from the last call.
      const other = tinyNetwork(test.widths, loss, `${seed} again`);
      network.setMasks(masksAt(network, density === 0 ? 0 : 0.3, `${seed} again`));
      network.setWeights(other.getWeights());
      other.dispose();
      const changedDense = evaluate(network, data, 16, "dense");
      const changedSparse = evaluate(network, data, 16, "sparse");
      assert.ok(
        Math.abs(changedSparse.loss - changedDense.loss) <=
          1e-5 * Math.abs(changedDense.loss) + 1e-7,
        `after the change: loss ${changedSparse.loss} vs ${changedDense.loss}`,
      );
      if (density > 0) assert.notEqual(changedDense.loss, dense.loss);
      network.dispose();
    });
  }
}

/**
 * A state of the session optimiser's layout in which every kept kernel
 * position and every bias of every slot holds its own value (pruned positions
 * hold zero, as the mask invariant requires), with `stepCount` steps taken.
 * Adam's second moments must be positive, so every value is.
 */
function distinctState(
  network: MaskedNetwork,
  masks: Masks,
  optimizer: "adam" | "sgd",
  stepCount: number,
): OptimizerState {
  const slotsPerTensor = optimizer === "adam" ? 2 : 1;
  const slots: Float32Array[] = [];
  network.shapes.forEach((shape, layer) => {
    for (const tensor of ["kernel", "bias"] as const) {
      const size = tensor === "kernel" ? shape.inputSize * shape.outputSize : shape.outputSize;
      for (let copy = 0; copy < slotsPerTensor; copy++) {
        const slot = slots.length;
        slots.push(
          Float32Array.from(
            { length: size },
            (_, position) =>
              tensor === "kernel" && masks[layer][position] === 0
                ? 0
                : (slot + 1) * 0.125 + (position + 1) * 1e-3,
          ),
        );
      }
    }
  });
  return { kind: optimizer, stepCount, slots };
}

for (const optimizer of ["adam", "sgd"] as const) {
  for (const density of [1, 0.5, 0.1]) {
    for (const layout of LAYOUTS) {
      Deno.test(`sparse engine (${optimizer}, ${layout} layout, density ${density}): optimiser state with a distinct value at every position comes back unchanged, bit for bit`, async () => {
        await initBackend("wasm");
        const seed = `state round trip ${optimizer} ${density}`;
        const settings = trainingSettings({ optimizer, batchSize: 9 });
        const network = tinyNetwork([30, 20, 12, 5], "softmax-cross-entropy", seed);
        const masks = masksAt(network, density, seed);
        network.setMasks(masks);
        const weights = network.getWeights();
        const state = distinctState(network, masks, optimizer, 17);
        const trainer = trainerWith(network, settings, layout);
        // Another network first: the buffers then hold its state, not zeros.
        const other = tinyNetwork([30, 20, 12, 5], "softmax-cross-entropy", `${seed} other`);
        trainer.load(other, distinctState(other, other.getMasks(), optimizer, 3));
        other.dispose();
        trainer.load(network, state);
        // No step in between: store must hand back exactly what load was given,
        // each value at its own position (kernel and bias slots) and the step count.
        const stored = trainer.store(network);
        assert.equal(stored.kind, optimizer);
        assert.equal(stored.stepCount, 17);
        assert.equal(stored.slots.length, state.slots.length);
        stored.slots.forEach((slot, index) =>
          assert.deepEqual(slot, state.slots[index], `slot ${index}`)
        );
        assert.deepEqual(network.getWeights(), weights);
        network.dispose();
      });
    }
  }

  // At density 0.1 the masks of masksAt leave most units dead and the moments
  // almost all zero: the denser masks give position-distinct state.
  for (const density of [1, 0.5]) {
    for (const layout of LAYOUTS) {
      Deno.test(`sparse engine (${layout} layout) = dense masked path (${optimizer}, density ${density}): three steps continuing from nonzero, position-distinct optimiser state`, async () => {
        await initBackend("wasm");
        const test: Case = {
          widths: [30, 20, 12, 5],
          loss: "softmax-cross-entropy",
          density,
          batchSize: 8,
        };
        const seed = `${optimizer} continued ${density}`;
        const settings: TrainingSettings = trainingSettings({
          optimizer,
          learningRate: 0.01,
          momentum: 0.9,
          batchSize: test.batchSize,
        });
        const data = splitFor(test, seed);
        const order = new Rng(`${seed}/order`).permutation(data.count);
        const dense = tinyNetwork(test.widths, test.loss, seed);
        const masks = masksAt(dense, density, seed);
        dense.setMasks(masks);
        const denseOptimizer = createOptimizer(settings, dense);
        const step = (start: number) => {
          const { inputs, targets } = batchTensors(data, order, start, start + test.batchSize);
          denseOptimizer.step(dense, forwardBackward(dense, inputs, targets).gradients);
          tf.dispose([inputs, targets]);
        };
        // Three dense steps: the moments (momentum) are nonzero and differ from
        // position to position, and the step count is 3.
        for (let index = 0; index < 3; index++) step(index * test.batchSize);
        const midState = denseOptimizer.saveState();
        assert.equal(midState.stepCount, 3);
        const slotsPerTensor = optimizer === "adam" ? 2 : 1;
        midState.slots.forEach((slot, index) => {
          const layer = Math.floor(index / (2 * slotsPerTensor));
          const isKernel = index % (2 * slotsPerTensor) < slotsPerTensor;
          const kept = isKernel ? slot.filter((_, position) => masks[layer][position] !== 0) : slot;
          // Dead ReLU units leave some moments zero, but a good part of every
          // slot is nonzero and no two nonzero values coincide.
          const nonzero = kept.filter((value) => value !== 0);
          assert.ok(nonzero.length > kept.length / 4, `slot ${index}: ${nonzero.length} nonzero`);
          assert.equal(new Set(nonzero).size, nonzero.length, `slot ${index}: repeated values`);
        });
        // The sparse engine starts from exactly that point.
        const sparse = tinyNetwork(test.widths, test.loss, seed);
        sparse.setMasks(masks);
        sparse.setWeights(dense.getWeights());
        const trainer = trainerWith(sparse, settings, layout);
        trainer.load(sparse, midState);
        for (let index = 3; index < 6; index++) {
          const start = index * test.batchSize;
          step(start);
          trainer.computeGradients(data.inputs, data.targets, order, start, start + test.batchSize);
          trainer.applyUpdate();
        }
        const state = trainer.store(sparse);
        const denseState = denseOptimizer.saveState();
        assert.equal(state.stepCount, 6);
        assert.equal(state.slots.length, denseState.slots.length);
        // The same tolerances as the three steps from zero state above, for the
        // same reasons: both engines start from identical bits and differ only
        // by float32 summation order (measured: kernels within 2e-7). A moment
        // loaded at another position (or lost, or a step count not restored)
        // moves updates of size ~lr = 1e-2 by a sizable fraction (measured on
        // such bugs: 1e-4 to 5e-3, above the 1e-5 allowed).
        dense.kernels.forEach((kernel, layer) => {
          for (let position = 0; position < kernel.length; position++) {
            const difference = Math.abs(sparse.kernels[layer][position] - kernel[position]);
            assert.ok(difference <= 1e-5, `kernel ${layer}[${position}] differs by ${difference}`);
          }
          assertClose(sparse.biases[layer], dense.biases[layer], `bias ${layer}`);
        });
        state.slots.forEach((slot, index) =>
          assertClose(slot, denseState.slots[index], `slot ${index}`)
        );
        dense.dispose();
        sparse.dispose();
      });
    }
  }
}

Deno.test("sparse engine: a state of another layout and an empty or oversized batch are refused", async () => {
  await initBackend("wasm");
  const network = tinyNetwork([6, 4, 3], "softmax-cross-entropy", "refusals");
  const settings = trainingSettings({ batchSize: 4 });
  const trainer = new SparseTrainer(network.shapes, network.loss, settings);
  const state = createOptimizer(settings, network).saveState();
  assert.throws(
    () => trainer.load(network, { ...state, slots: state.slots.slice(1) }),
    /optimizer state has 7 slots, expected another count/,
  );
  trainer.load(network, state);
  const data = randomSplit(8, 6, 3, false);
  const order = Int32Array.from({ length: 8 }, (_, index) => index);
  assert.throws(
    () => trainer.computeGradients(data.inputs, data.targets, order, 2, 2),
    /batch of 0 examples; the trainer takes 1 to 4/,
  );
  assert.throws(
    () => trainer.computeGradients(data.inputs, data.targets, order, 0, 5),
    /batch of 5 examples; the trainer takes 1 to 4/,
  );
  assert.ok(Number.isFinite(trainer.computeGradients(data.inputs, data.targets, order, 0, 1)));
  network.dispose();
});
