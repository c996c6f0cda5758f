import assert from "node:assert/strict";
import type { MethodSettings } from "../../src/config/types.ts";
import { initBackend } from "../../src/nn/backend.ts";
import type { Masks } from "../../src/nn/network.ts";
import type { TrainingSession } from "../../src/nn/train.ts";
import { selectByScore } from "../../src/pruning/allocation.ts";
import {
  absoluteChange,
  dissipationOptions,
  relativeChange,
  runDissipation,
} from "../../src/pruning/dissipating.ts";
import { prunedCounts, syntheticContext } from "../nn/fixtures.ts";

const f32 = (...values: number[]) => Float32Array.from(values);

Deno.test("absoluteChange is |w - w0|, without the initial value's scale", () => {
  const [change] = absoluteChange([f32(0.5, -0.25, 0.125)], [f32(0.25, 0.25, 0.125)]);
  assert.deepEqual(change, f32(0.25, 0.5, 0));
  // The same moves relative to |w0|: 1, 2, 0, so the two criteria order weights differently
  // as soon as initial magnitudes differ.
  const [relative] = relativeChange([f32(0.5, -0.25, 0.125)], [f32(0.25, 0.25, 0.125)]);
  assert.deepEqual(relative, f32(1, 2, 0));
});

function settings(criterion: string): MethodSettings {
  return {
    name: "dissipating",
    label: `dissipating (${criterion})`,
    mode: "target",
    criterion,
    fraction: 0.1,
    pruningEpochs: 2,
    allocation: "uniform",
    initialization: "standard",
  };
}

/**
 * Runs a dissipation phase, recording before each pruning the weights and,
 * independently of the method, the sum of |dL/dw| over every step so far.
 */
async function observe(criterion: string) {
  const { context, weights } = await syntheticContext(settings(criterion), {
    targetSparsity: 0.6,
  });
  const after: Masks[] = [];
  context.onFinalNetworkEpoch = (network) => after.push(network.getMasks());
  const session: TrainingSession = context.createSession(context.createNetwork());
  const sums = weights.kernels.map((kernel) => new Float64Array(kernel.length));
  const gradientSums: Float64Array[][] = [];
  const kernels: Float32Array[][] = [];
  const train = session.trainEpochs.bind(session);
  session.trainEpochs = (count, callbacks = {}) => {
    const outcome = train(count, {
      ...callbacks,
      onBatchEnd: (info) => {
        info.gradients.forEach(({ kernel }, layer) =>
          kernel.forEach((value, index) => (sums[layer][index] += Math.abs(value)))
        );
        callbacks.onBatchEnd?.(info);
      },
    });
    gradientSums.push(sums.map((sum) => sum.slice()));
    kernels.push(session.network.getWeights().kernels);
    return outcome;
  };
  runDissipation(context, session, dissipationOptions(context, 0.6));
  session.network.dispose();
  return { after, gradientSums, kernels, weights };
}

/** True when, in every layer, no weight pruned at this step scores above a weight kept. */
function prunesLowest(scores: ArrayLike<number>[], previous: Masks, next: Masks): boolean {
  return next.every((mask, layer) => {
    let largestPruned = -Infinity;
    let smallestKept = Infinity;
    mask.forEach((value, position) => {
      if (previous[layer][position] === 0) return;
      const score = scores[layer][position];
      if (value === 0) largestPruned = Math.max(largestPruned, score);
      else smallestKept = Math.min(smallestKept, score);
    });
    return largestPruned <= smallestKept;
  });
}

Deno.test("criterion gradient: prunes the weights with the smallest |dL/dw| summed over the steps so far", async () => {
  await initBackend("wasm");
  const { after, gradientSums, weights } = await observe("gradient");
  const sizes = weights.kernels.map((kernel) => kernel.length);
  assert.deepEqual(prunedCounts(after[1]), sizes.map((size) => Math.round(0.6 * size)));
  let previous: Masks = sizes.map((size) => new Float32Array(size).fill(1));
  after.forEach((masks, epoch) => {
    assert.ok(prunesLowest(gradientSums[epoch], previous, masks), `epoch ${epoch + 1}`);
    // Exactly the masks the sums observed outside the method select: the schedule is 0.6 / 2 =
    // 0.3 after epoch 1 and 0.6 after epoch 2, and the sums are added in the same order in
    // float64 on both sides, then rounded to float32 once, so equality is exact.
    const scores = gradientSums[epoch].map((sum) => Float32Array.from(sum));
    const expected = selectByScore(scores, previous, [0.3, 0.6][epoch], "uniform");
    assert.deepEqual(masks, expected, `epoch ${epoch + 1}`);
    previous = masks;
  });
});

Deno.test("criterion absolute: prunes the weights that moved least from their initial value", async () => {
  await initBackend("wasm");
  const { after, kernels, weights } = await observe("absolute");
  let previous: Masks = weights.kernels.map((kernel) => new Float32Array(kernel.length).fill(1));
  after.forEach((masks, epoch) => {
    const moved = kernels[epoch].map((kernel, layer) =>
      kernel.map((value, index) => Math.abs(value - weights.kernels[layer][index]))
    );
    assert.ok(prunesLowest(moved, previous, masks), `epoch ${epoch + 1}`);
    previous = masks;
  });
});

Deno.test("the three criteria choose different masks on the same run", async () => {
  await initBackend("wasm");
  const masks = await Promise.all(
    ["relative", "absolute", "gradient"].map(async (criterion) =>
      (await observe(criterion)).after[1]
    ),
  );
  assert.notDeepEqual(masks[0], masks[1]);
  assert.notDeepEqual(masks[0], masks[2]);
  assert.notDeepEqual(masks[1], masks[2]);
});
