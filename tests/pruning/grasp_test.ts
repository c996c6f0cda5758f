import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import type { LayerShape, LossKind } from "../../src/nn/network.ts";
import { MaskedNetwork } from "../../src/nn/network.ts";
import { batchTensors, forwardBackward } from "../../src/nn/train.ts";
import {
  GRASP_REFERENCE_TEMPERATURE,
  GRASP_RELATIVE_STEP,
  GraspPruning,
  graspScores,
  graspTemperature,
  hessianGradientProduct,
  measureGrasp,
} from "../../src/pruning/grasp.ts";
import {
  classBalancedSample,
  disposeScoringBatches,
  loadScoringSample,
  randomSample,
} from "../../src/pruning/scoring.ts";
import { Rng } from "../../src/rng.ts";
import {
  baselineContext,
  globalCount,
  keepsHighest,
  prunedCounts,
  sum,
  uniformCounts,
} from "./baseline_fixtures.ts";

/** Kernel gradients of the mean loss over `count` examples, in float64, written out plainly. */
function referenceGradients(
  shapes: LayerShape[],
  kernels: Float64Array[],
  biases: Float64Array[],
  inputs: Float64Array,
  targets: Float64Array,
  count: number,
  loss: LossKind,
  temperature = 1,
): Float64Array[] {
  const activations: Float64Array[] = [inputs];
  shapes.forEach((shape, layer) => {
    const input = activations[layer];
    const output = new Float64Array(count * shape.outputSize);
    for (let example = 0; example < count; example++) {
      for (let column = 0; column < shape.outputSize; column++) {
        let value = biases[layer][column];
        for (let row = 0; row < shape.inputSize; row++) {
          value += input[example * shape.inputSize + row] *
            kernels[layer][row * shape.outputSize + column];
        }
        output[example * shape.outputSize + column] = shape.activation === "relu"
          ? Math.max(0, value)
          : value;
      }
    }
    activations.push(output);
  });
  const width = shapes[shapes.length - 1].outputSize;
  const last = activations[shapes.length];
  let gradient = new Float64Array(count * width);
  for (let example = 0; example < count; example++) {
    // The loss sees the output layer's pre-activation divided by the temperature.
    const row = last.subarray(example * width, (example + 1) * width).map((value) =>
      value / temperature
    );
    const target = targets.subarray(example * width, (example + 1) * width);
    if (loss === "softmax-cross-entropy") {
      const total = row.reduce((sum, value) => sum + Math.exp(value), 0);
      row.forEach((value, k) => {
        gradient[example * width + k] = (Math.exp(value) / total - target[k]) /
          (count * temperature);
      });
    } else {
      row.forEach((value, k) => {
        const y = 1 / (1 + Math.exp(-value));
        gradient[example * width + k] = 2 * (y - target[k]) * y * (1 - y) /
          (count * width * temperature);
      });
    }
  }
  const result: Float64Array[] = new Array(shapes.length);
  for (let layer = shapes.length - 1; layer >= 0; layer--) {
    const { inputSize, outputSize } = shapes[layer];
    const input = activations[layer];
    const kernelGradient = new Float64Array(inputSize * outputSize);
    const previous = new Float64Array(count * inputSize);
    for (let example = 0; example < count; example++) {
      for (let row = 0; row < inputSize; row++) {
        const activation = input[example * inputSize + row];
        let back = 0;
        for (let column = 0; column < outputSize; column++) {
          const delta = gradient[example * outputSize + column];
          kernelGradient[row * outputSize + column] += activation * delta;
          back += delta * kernels[layer][row * outputSize + column];
        }
        // The layer below is a ReLU: gradient flows where its output was positive.
        previous[example * inputSize + row] = activation > 0 ? back : 0;
      }
    }
    result[layer] = kernelGradient;
    gradient = previous;
  }
  return result;
}

function norm(arrays: ArrayLike<number>[]): number {
  let total = 0;
  for (const values of arrays) for (let i = 0; i < values.length; i++) total += values[i] ** 2;
  return Math.sqrt(total);
}

function relativeDifference(actual: ArrayLike<number>[], expected: ArrayLike<number>[]): number {
  const difference = expected.map((values, layer) =>
    Array.from(values, (value, index) => actual[layer][index] - value)
  );
  return norm(difference) / norm(expected);
}

/** H g by a float64 central difference with a tiny step (no ReLU changes side at this step). */
function referenceHessianGradient(
  network: MaskedNetwork,
  inputs: Float64Array,
  targets: Float64Array,
  count: number,
  relativeStep: number,
  temperature = 1,
): { gradient: Float64Array[]; hessianGradient: Float64Array[] } {
  const kernels = network.kernels.map((kernel) => Float64Array.from(kernel));
  const biases = network.biases.map((bias) => Float64Array.from(bias));
  const gradientAt = (candidate: Float64Array[]) =>
    referenceGradients(
      network.shapes,
      candidate,
      biases,
      inputs,
      targets,
      count,
      network.loss,
      temperature,
    );
  const gradient = gradientAt(kernels);
  const step = relativeStep * norm(kernels) / norm(gradient);
  const shifted = (sign: number) =>
    gradientAt(
      kernels.map((kernel, layer) =>
        kernel.map((value, index) => value + sign * step * gradient[layer][index])
      ),
    );
  const plus = shifted(1);
  const minus = shifted(-1);
  return {
    gradient,
    hessianGradient: plus.map((values, layer) =>
      values.map((value, index) => (value - minus[layer][index]) / (2 * step))
    ),
  };
}

for (
  const [kind, loss, widths, temperature] of [
    ["classifier", "softmax-cross-entropy", [6, 5, 4, 3], 1],
    ["classifier", "softmax-cross-entropy", [6, 5, 4, 3], 200],
    ["autoencoder", "mean-squared-error", [6, 8, 6], 1],
    ["autoencoder", "mean-squared-error", [6, 8, 6], 5],
  ] as const
) {
  Deno.test(`hessianGradientProduct: matches a float64 central difference (${kind}, T = ${temperature})`, async () => {
    await initBackend("wasm");
    const { context, data } = baselineContext({ name: "grasp", label: "grasp" }, {
      targetSparsity: 0.5,
      widths: [...widths],
      loss,
      count: 16,
    });
    const network = context.createNetwork();
    const before = network.kernels.map((kernel) => kernel.slice());
    // One batch holding all 16 examples, so the float64 reference sees the same data.
    const batches = loadScoringSample(data, randomSample(data, 16, new Rng("batches")));
    const inputs = Float64Array.from(batches[0].inputs.dataSync());
    const targets = Float64Array.from(batches[0].targets.dataSync());
    const reference = referenceHessianGradient(network, inputs, targets, 16, 1e-7, temperature);
    // The reference is trustworthy only if no ReLU changed side: two tiny steps agree.
    const check = referenceHessianGradient(network, inputs, targets, 16, 1e-6, temperature);
    const agreement = relativeDifference(check.hessianGradient, reference.hessianGradient);
    assert.ok(agreement < 1e-5, `float64 references disagree by ${agreement}`);

    const product = hessianGradientProduct(network, batches, temperature);
    assert.ok(relativeDifference(product.gradient, reference.gradient) < 1e-5);
    const error = relativeDifference(product.hessianGradient, reference.hessianGradient);
    assert.ok(error < 1e-3, `relative error of H g: ${error}`);
    assert.ok(norm(reference.hessianGradient) > 0);
    assert.ok(
      Math.abs(product.step - GRASP_RELATIVE_STEP * norm(before) / norm(reference.gradient)) <
        1e-4 * product.step,
    );
    // Weights (host and device) are restored.
    assert.deepEqual(network.kernels, before);
    if (temperature === 1) {
      const again = forwardBackward(network, batches[0].inputs, batches[0].targets);
      assert.ok(
        relativeDifference(again.gradients.map((g) => g.kernel), reference.gradient) < 1e-5,
      );
      // The loss reported is the batch's mean loss at the unperturbed weights (float32 graph).
      assert.ok(
        Math.abs(product.loss - again.loss) <= 1e-6 * Math.abs(again.loss),
        `loss ${product.loss} vs ${again.loss}`,
      );
    } else {
      // A temperature is not a common factor: g is not that of T = 1 scaled.
      const plain = referenceHessianGradient(network, inputs, targets, 16, 1e-7);
      const scale = norm(reference.gradient) / norm(plain.gradient);
      const scaled = plain.gradient.map((values) => values.map((value) => value * scale));
      assert.ok(relativeDifference(scaled, reference.gradient) > 1e-3);
    }
    disposeScoringBatches(batches);
    network.dispose();
  });
}

Deno.test("hessianGradientProduct: pruned positions get 0; with no kept gradient it takes no step", async () => {
  await initBackend("wasm");
  const { context, data } = baselineContext({ name: "grasp", label: "grasp" }, {
    targetSparsity: 0.5,
    widths: [8, 6, 5, 4],
    loss: "softmax-cross-entropy",
    count: 16,
  });
  const batches = loadScoringSample(data, randomSample(data, 16, new Rng("batches")));
  const network = context.createNetwork();
  // The weights from inputs 4-7 (positions 24-47 of the 8 x 6 kernel) pruned: those
  // positions have no H g.
  network.setMasks([
    Float32Array.from({ length: 48 }, (_, index) => (index < 24 ? 1 : 0)),
    new Float32Array(30).fill(1),
    new Float32Array(20).fill(1),
  ]);
  const product = hessianGradientProduct(network, batches);
  assert.ok(product.step > 0);
  for (let index = 24; index < 48; index++) {
    assert.equal(product.hessianGradient[0][index], 0, `pruned position ${index}`);
    assert.equal(product.gradient[0][index], 0, `pruned position ${index}`);
  }
  assert.ok(product.hessianGradient[0].some((value, index) => index < 24 && value !== 0));
  // The output layer pruned away: nothing reaches the loss, every kept gradient is 0 while
  // the kept weights are not. A step of relativeStep * ||w|| / 0 would be infinite (and the
  // perturbed weights NaN), so none is taken and H g is 0.
  network.setMasks([
    new Float32Array(48).fill(1),
    new Float32Array(30).fill(1),
    new Float32Array(20),
  ]);
  const collapsed = hessianGradientProduct(network, batches);
  assert.equal(collapsed.step, 0);
  for (const values of [...collapsed.gradient, ...collapsed.hessianGradient]) {
    assert.ok(values.every((value) => value === 0));
  }
  disposeScoringBatches(batches);
  network.dispose();
});

Deno.test("hessianGradientProduct: small weights still take a step; zero weights take none", async () => {
  await initBackend("wasm");
  const widths = [8, 6, 5, 4];
  const { context, data, weights } = baselineContext({ name: "grasp", label: "grasp" }, {
    targetSparsity: 0.5,
    widths,
    count: 16,
  });
  const batches = loadScoringSample(data, randomSample(data, 16, new Rng("batches")));
  // Kernels scaled to a norm well below 1: the step is relative to ||w||, so it still exists.
  const network = context.createNetwork();
  network.setWeights({
    kernels: weights.kernels.map((kernel) => kernel.map((value) => value / 100)),
    biases: weights.biases,
  });
  const kernelNorm = Math.sqrt(
    network.kernels.reduce((sum, kernel) => sum + kernel.reduce((s, v) => s + v * v, 0), 0),
  );
  assert.ok(kernelNorm < 1, `kernel norm ${kernelNorm}`);
  const small = hessianGradientProduct(network, batches);
  assert.ok(small.step > 0);
  assert.ok(small.hessianGradient.some((values) => values.some((value) => value !== 0)));
  // Zero kernels with nonzero biases: the gradient is not 0 but ||w|| is, so a step of
  // relativeStep * 0 / ||g|| would divide 0 by 0; none is taken and H g is 0.
  network.setWeights({
    kernels: weights.kernels.map((kernel) => kernel.map(() => 0)),
    biases: weights.biases,
  });
  const zero = hessianGradientProduct(network, batches);
  assert.ok(zero.gradient.some((values) => values.some((value) => value !== 0)));
  assert.equal(zero.step, 0);
  for (const values of zero.hessianGradient) assert.ok(values.every((value) => value === 0));
  disposeScoringBatches(batches);
  network.dispose();
});

Deno.test("hessianGradientProduct: freezing the ReLU pattern ignores kinks a step crosses", async () => {
  await initBackend("wasm");
  // One hidden unit whose pre-activation sits just above 0 (bias 1e-4): the
  // step along g pushes it across, which a plain difference of gradients
  // would turn into a huge spurious H g.
  const shapes: LayerShape[] = [
    { name: "dense_0", inputSize: 1, outputSize: 1, activation: "relu" },
    { name: "dense_1", inputSize: 1, outputSize: 2, activation: "linear" },
  ];
  const weights = {
    kernels: [Float32Array.of(0.5), Float32Array.of(1, -1)],
    biases: [Float32Array.of(-0.5 + 1e-4), Float32Array.of(0, 0)],
  };
  const network = new MaskedNetwork(shapes, weights, "softmax-cross-entropy");
  const data = {
    inputs: Float32Array.of(1),
    targets: Float32Array.of(1, 0),
    labels: Uint8Array.of(0),
    count: 1,
    inputSize: 1,
    outputSize: 2,
  };
  const identity = Int32Array.of(0);
  const batch = batchTensors(data, identity, 0, 1);
  const product = hessianGradientProduct(network, [{ ...batch, size: 1 }]);
  // By hand, with the unit on (pattern frozen): h = w1 x + b1 = 1e-4 at x = 1,
  // z = h * w2 with w2 = (1, -1), L = -log softmax(z)_0 = log(1 + exp(-2h)).
  const h = 1e-4;
  const s = 1 / (1 + Math.exp(2 * h));
  const first = -2 * s; // dL/dh = dL/dw1
  const second = 4 * s * (1 - s); // d2L/dw1^2
  const w2 = [1, -1];
  const z = [h * w2[0], h * w2[1]];
  const e = z.map(Math.exp);
  const p = e.map((value) => value / (e[0] + e[1]));
  const dz = [p[0] - 1, p[1]];
  const g0 = (w2[0] * dz[0] + w2[1] * dz[1]) * 1;
  const g2 = [h * dz[0], h * dz[1]];
  assert.ok(Math.abs(g0 - first) < 1e-12);
  // d/dw2k of dL/dw1 = dz_k + h (w2 . d(dz)/dz_k), with d(dz)/dz = diag(p) - p p^T.
  const hessianZ = [[p[0] * (1 - p[0]), -p[0] * p[1]], [-p[0] * p[1], p[1] * (1 - p[1])]];
  const mixed = [0, 1].map((k) => dz[k] + (w2[0] * hessianZ[0][k] + w2[1] * hessianZ[1][k]) * h);
  const expected = second * g0 + mixed[0] * g2[0] + mixed[1] * g2[1];
  const actual = product.hessianGradient[0][0];
  assert.ok(
    Math.abs(actual - expected) < 1e-3 * Math.abs(expected),
    `${actual} vs ${expected}`,
  );
  // The step really crosses the kink: eps * |g0| exceeds the 1e-4 margin.
  assert.ok(product.step * Math.abs(g0) > 1e-4);
  batch.inputs.dispose();
  batch.targets.dispose();
  network.dispose();
});

Deno.test("graspScores: S = -w * Hg, and +0 rather than -0 for a zero product", () => {
  const scores = graspScores(
    [Float32Array.of(2, -1, 0, 3)],
    [Float64Array.of(0.5, 0.25, 7, 0)],
  );
  assert.deepEqual(Array.from(scores[0]), [-1, 0.25, 0, 0]);
  assert.ok(Object.is(scores[0][2], 0) && Object.is(scores[0][3], 0));
});

Deno.test("GraspPruning: exact target, and it prunes the HIGHEST S = -w * Hg", async () => {
  await initBackend("wasm");
  for (const loss of ["softmax-cross-entropy", "mean-squared-error"] as const) {
    for (const allocation of ["uniform", "global"] as const) {
      for (const sparsity of [0.5, 0.9, 0.98]) {
        const method = { name: "grasp", label: "grasp", samplesPerClass: 3, allocation };
        const { context, shapes } = baselineContext(method, {
          targetSparsity: sparsity,
          widths: loss === "mean-squared-error" ? [12, 8, 12] : [12, 10, 6],
          loss,
        });
        const outcome = new GraspPruning().prune(context);
        const network = outcome.session.network;
        if (allocation === "uniform") {
          assert.deepEqual(prunedCounts(network.masks), uniformCounts(shapes, sparsity));
        } else {
          assert.equal(sum(prunedCounts(network.masks)), globalCount(shapes, sparsity));
        }
        const fresh = context.createNetwork();
        // The reference temperature on the classifier, none on the autoencoder.
        const temperature = loss === "softmax-cross-entropy" ? 200 : 1;
        assert.equal(outcome.report.temperature, temperature);
        const { scores } = measureGrasp(
          fresh,
          context.trainData,
          { samplesPerClass: 3, temperature },
          context.rng.fork("scoring-sample"),
        );
        assert.ok(scores.every((score) => score.every(Number.isFinite)));
        // Kept weights have the lowest S: they have the highest -S.
        const negated = scores.map((score) => score.map((value) => -value));
        assert.ok(keepsHighest(negated, network.masks, allocation === "uniform"));
        assert.ok(!keepsHighest(scores, network.masks, allocation === "uniform"));
        assert.equal(outcome.pruningEpochs, 0);
        fresh.dispose();
        network.dispose();
      }
    }
  }
});

Deno.test("GraspPruning: a zero gradient gives zero scores, never NaN, and an exact mask", async () => {
  await initBackend("wasm");
  // All-zero kernels and biases: hidden units output 0, so every kernel gradient is 0.
  const widths = [5, 4, 3];
  const weights = {
    kernels: [new Float32Array(20), new Float32Array(12)],
    biases: [new Float32Array(4), new Float32Array(3)],
  };
  const method = { name: "grasp", label: "grasp", samplesPerClass: 2, allocation: "global" };
  const { context } = baselineContext(method, { targetSparsity: 0.75, widths, weights });
  const measurement = measureGrasp(
    context.createNetwork(),
    context.trainData,
    { samplesPerClass: 2, temperature: 200 },
    new Rng(1),
  );
  assert.equal(measurement.step, 0);
  assert.ok(measurement.scores.every((score) => score.every((value) => value === 0)));
  const outcome = new GraspPruning().prune(context);
  assert.equal(sum(prunedCounts(outcome.session.network.masks)), 24);
  outcome.session.network.dispose();
});

Deno.test("graspTemperature: a given one, else 200 on a classifier and none on the autoencoder", () => {
  assert.equal(GRASP_REFERENCE_TEMPERATURE, 200);
  assert.equal(graspTemperature(undefined, "softmax-cross-entropy"), 200);
  assert.equal(graspTemperature(undefined, "mean-squared-error"), 1);
  assert.equal(graspTemperature(3, "softmax-cross-entropy"), 3);
  assert.equal(graspTemperature(3, "mean-squared-error"), 3);
  assert.throws(() => graspTemperature(0, "softmax-cross-entropy"), /positive number/);
  assert.throws(() => graspTemperature("200", "softmax-cross-entropy"), /positive number/);
});

Deno.test("measureGrasp: scores a class-balanced sample at the given temperature", async () => {
  await initBackend("wasm");
  const { context, data } = baselineContext({ name: "grasp", label: "grasp" }, {
    targetSparsity: 0.5,
    widths: [6, 5, 4, 3],
    count: 60,
  });
  const network = context.createNetwork();
  // The same numbers as H g on exactly the class-balanced sample, scored by hand here.
  const sample = classBalancedSample(data, 4, new Rng("sample"));
  const perClass = new Map<number, number>();
  for (const index of sample) {
    perClass.set(data.labels[index], (perClass.get(data.labels[index]) ?? 0) + 1);
  }
  assert.deepEqual([...perClass.values()], [4, 4, 4]);
  const batches = loadScoringSample(data, sample);
  const expected = hessianGradientProduct(network, batches, 200);
  disposeScoringBatches(batches);
  const measured = measureGrasp(
    network,
    data,
    { samplesPerClass: 4, temperature: 200 },
    new Rng("sample"),
  );
  assert.deepEqual(measured.hessianGradient, expected.hessianGradient);
  assert.deepEqual(measured.scores, graspScores(network.kernels, expected.hessianGradient));
  // Another temperature or another sample gives other scores.
  const cold = measureGrasp(
    network,
    data,
    { samplesPerClass: 4, temperature: 1 },
    new Rng("sample"),
  );
  assert.notDeepEqual(cold.scores, measured.scores);
  const larger = measureGrasp(
    network,
    data,
    { samplesPerClass: 8, temperature: 200 },
    new Rng("sample"),
  );
  assert.notDeepEqual(larger.scores, measured.scores);
  network.dispose();
});
