import assert from "node:assert/strict";
import * as tf from "../../src/nn/tf.ts";
import { type BackendName, initBackend } from "../../src/nn/backend.ts";
import type { MaskedNetwork } from "../../src/nn/network.ts";
import { forwardBackward } from "../../src/nn/train.ts";
import { Rng } from "../../src/rng.ts";
import { tinyNetwork } from "./fixtures.ts";

/** Parameters in float64: kernels then biases, per layer. */
interface Float64Parameters {
  kernels: Float64Array[];
  biases: Float64Array[];
}

/**
 * The mean batch loss computed in float64 on the host, independently of
 * tfjs: ReLU hidden layers, then softmax cross-entropy or sigmoid + MSE.
 */
function referenceLoss(
  network: MaskedNetwork,
  parameters: Float64Parameters,
  inputs: number[][],
  targets: number[][],
): number {
  let total = 0;
  let elements = 0;
  for (let example = 0; example < inputs.length; example++) {
    let activation = inputs[example];
    network.shapes.forEach((shape, layer) => {
      const next: number[] = [];
      for (let output = 0; output < shape.outputSize; output++) {
        let sum = parameters.biases[layer][output];
        for (let input = 0; input < shape.inputSize; input++) {
          sum += activation[input] * parameters.kernels[layer][input * shape.outputSize + output];
        }
        next.push(layer + 1 < network.shapes.length ? Math.max(0, sum) : sum);
      }
      activation = next;
    });
    const target = targets[example];
    if (network.loss === "softmax-cross-entropy") {
      const max = Math.max(...activation);
      const logSum = max + Math.log(activation.reduce((sum, z) => sum + Math.exp(z - max), 0));
      activation.forEach((z, index) => (total -= target[index] * (z - logSum)));
      elements = inputs.length;
    } else {
      activation.forEach((z, index) => (total += (1 / (1 + Math.exp(-z)) - target[index]) ** 2));
      elements += activation.length;
    }
  }
  return total / elements;
}

/** Central finite differences of every parameter, compared with `forwardBackward`. */
function checkGradients(network: MaskedNetwork, inputs: number[][], targets: number[][]) {
  const parameters: Float64Parameters = {
    kernels: network.kernels.map((kernel) => Float64Array.from(kernel)),
    biases: network.biases.map((bias) => Float64Array.from(bias)),
  };
  const inputTensor = tf.tensor2d(inputs);
  const targetTensor = tf.tensor2d(targets);
  const pass = forwardBackward(network, inputTensor, targetTensor);
  tf.dispose([inputTensor, targetTensor]);
  const loss = referenceLoss(network, parameters, inputs, targets);
  assert.ok(Math.abs(pass.loss - loss) < 1e-5, `loss ${pass.loss} vs float64 ${loss}`);
  const step = 1e-6;
  let checked = 0;
  const compare = (values: Float64Array, analytic: Float32Array, what: string) => {
    assert.equal(analytic.length, values.length, `${what} gradient length`);
    for (let index = 0; index < values.length; index++) {
      const held = values[index];
      values[index] = held + step;
      const up = referenceLoss(network, parameters, inputs, targets);
      values[index] = held - step;
      const down = referenceLoss(network, parameters, inputs, targets);
      values[index] = held;
      const numeric = (up - down) / (2 * step);
      const tolerance = 1e-5 + 1e-3 * Math.abs(numeric);
      assert.ok(
        Math.abs(numeric - analytic[index]) < tolerance,
        `${what}[${index}]: analytic ${analytic[index]}, finite difference ${numeric}`,
      );
      checked++;
    }
  };
  network.shapes.forEach((shape, layer) => {
    compare(parameters.kernels[layer], pass.gradients[layer].kernel, `${shape.name} kernel`);
    compare(parameters.biases[layer], pass.gradients[layer].bias, `${shape.name} bias`);
  });
  return checked;
}

function randomRows(rows: number, width: number, rng: Rng): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: width }, () => rng.nextFloat()));
}

for (const backend of ["wasm", "cpu"] as BackendName[]) {
  Deno.test(`forwardBackward matches float64 finite differences: 4-3-2 MLP, cross-entropy (${backend})`, async () => {
    await initBackend(backend);
    const network = tinyNetwork([4, 3, 2], "softmax-cross-entropy", "mlp");
    const rng = new Rng("mlp-data");
    const inputs = randomRows(5, 4, rng).map((row) => row.map((value) => value * 2 - 1));
    const targets = [[1, 0], [0, 1], [0, 1], [1, 0], [1, 0]];
    assert.equal(checkGradients(network, inputs, targets), 4 * 3 + 3 + 3 * 2 + 2);
    network.dispose();
  });

  Deno.test(`forwardBackward matches float64 finite differences: 4-3-4 autoencoder, sigmoid + MSE (${backend})`, async () => {
    await initBackend(backend);
    const network = tinyNetwork([4, 3, 4], "mean-squared-error", "autoencoder");
    const inputs = randomRows(6, 4, new Rng("autoencoder-data"));
    assert.equal(checkGradients(network, inputs, inputs), 4 * 3 + 3 + 3 * 4 + 4);
    network.dispose();
  });
}

Deno.test("forwardBackward of a masked network: the pruned weights act as zero, their gradient is still reported", async () => {
  await initBackend("wasm");
  const network = tinyNetwork([4, 3, 3, 2], "softmax-cross-entropy", "masked");
  const masks = network.getMasks();
  masks[0][1] = 0;
  masks[0][7] = 0;
  masks[1][4] = 0;
  network.setMasks(masks);
  assert.equal(network.kernels[0][1], 0);
  const rng = new Rng("masked-data");
  const inputs = randomRows(4, 4, rng);
  const targets = [[1, 0], [0, 1], [1, 0], [0, 1]];
  // The reference sees the zeroed host kernels, so agreement means the
  // device pass used zeros too, and the gradient at a pruned position is
  // dL/dw evaluated at w = 0.
  checkGradients(network, inputs, targets);
  network.dispose();
});
