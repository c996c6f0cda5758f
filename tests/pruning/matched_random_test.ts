import assert from "node:assert/strict";
import type { MethodSettings } from "../../src/config/types.ts";
import { initBackend } from "../../src/nn/backend.ts";
import { denseMasks, selectByScorePerLayer } from "../../src/pruning/allocation.ts";
import { DissipatingPruning } from "../../src/pruning/dissipating.ts";
import { matchedRandomMasks, MatchedRandomPruning } from "../../src/pruning/matched_random.ts";
import { getPruningMethod } from "../../src/pruning/registry.ts";
import { SnipPruning } from "../../src/pruning/snip.ts";
import { Rng } from "../../src/rng.ts";
import { keepsSubset, syntheticContext } from "../nn/fixtures.ts";
import { baselineContext, prunedCounts } from "./baseline_fixtures.ts";

const f32 = (...values: number[]) => Float32Array.from(values);

function control(reference: MethodSettings): MethodSettings {
  return {
    name: "matched-random",
    label: `matched-random (${reference.label})`,
    reference: reference.label,
    referenceMethod: reference,
    retrain: false,
    sanityCheck: "none",
    initialization: "standard",
  };
}

Deno.test("matchedRandomMasks: exactly the given count per layer, random positions, never reviving", () => {
  const masks = matchedRandomMasks(denseMasks([6, 4]), [2, 3], new Rng(1));
  assert.deepEqual(prunedCounts(masks), [2, 3]);
  assert.deepEqual(matchedRandomMasks(denseMasks([6, 4]), [2, 3], new Rng(1)), masks);
  // Over 20 seeds the positions vary (a fixed pattern would repeat).
  const patterns = new Set<string>();
  for (let seed = 0; seed < 20; seed++) {
    patterns.add(matchedRandomMasks(denseMasks([6, 4]), [2, 3], new Rng(seed)).join("|"));
  }
  assert.ok(patterns.size > 10, `${patterns.size} distinct masks of 20`);
  const current = [f32(0, 1, 1, 1, 1, 1), f32(1, 1, 1, 1)];
  const next = matchedRandomMasks(current, [3, 1], new Rng(2));
  assert.ok(keepsSubset(next, current));
  assert.deepEqual(prunedCounts(next), [3, 1]);
});

Deno.test("matchedRandomMasks: the mask is the seed's draw, one float per weight, layer by layer in position order", () => {
  // As for the random baseline, a run's control mask is a fixed function of its seed: the
  // scores are the generator's floats in order, 6 for layer 0 then 4 for layer 1 (rounded to
  // float32), and each layer's lowest go.
  const rng = new Rng("matched draw order");
  const scores = [6, 4].map((size) => Float32Array.from({ length: size }, () => rng.nextFloat()));
  assert.deepEqual(
    matchedRandomMasks(denseMasks([6, 4]), [2, 3], new Rng("matched draw order")),
    selectByScorePerLayer(scores, denseMasks([6, 4]), [2, 3]),
  );
});

Deno.test("matched-random copies the per-layer counts of global magnitude, worked out independently", async () => {
  await initBackend("wasm");
  const magnitude: MethodSettings = {
    name: "magnitude",
    label: "magnitude (global)",
    allocation: "global",
    initialization: "standard",
  };
  const { context, weights, shapes } = baselineContext(control(magnitude), {
    targetSparsity: 0.5,
  });
  // The 49 smallest |w| of the 48 + 30 + 20 weights, counted per layer by hand-rolled sorting.
  const all = weights.kernels.flatMap((kernel, layer) =>
    Array.from(kernel, (value) => ({ layer, size: Math.abs(value) }))
  );
  all.sort((left, right) => left.size - right.size);
  const expected = shapes.map(() => 0);
  for (const entry of all.slice(0, 49)) expected[entry.layer]++;
  assert.notDeepEqual(expected, [24, 15, 10], "the fixture must not be uniform");
  const outcome = new MatchedRandomPruning(getPruningMethod).prune(context);
  const network = outcome.session.network;
  assert.deepEqual(prunedCounts(network.masks), expected);
  assert.equal(outcome.report.referencePrunedPerLayer, expected.join(" "));
  assert.equal(outcome.report.reference, "magnitude (global)");
  // Which weights: not the magnitude mask (it keeps random ones of the initial weights).
  const smallestKept = network.kernels.some((kernel, layer) =>
    kernel.some((value, position) =>
      network.masks[layer][position] === 1 &&
      Math.abs(value) < all[48].size
    )
  );
  assert.ok(smallestKept, "a random mask keeps some small weights");
  network.kernels.forEach((kernel, layer) =>
    kernel.forEach((value, position) =>
      assert.equal(
        value,
        network.masks[layer][position] === 0 ? 0 : weights.kernels[layer][position],
      )
    )
  );
  assert.equal(outcome.budgetEpochsUsed, 0);
  assert.equal(outcome.pruningEpochs, 0);
  network.dispose();
});

Deno.test("matched-random reproduces its reference's mask with the reference's own generator", async () => {
  await initBackend("wasm");
  const snip: MethodSettings = {
    name: "snip",
    label: "snip",
    scoringSamples: 20,
    allocation: "global",
    initialization: "standard",
  };
  const referenceRun = await syntheticContext(snip, { targetSparsity: 0.9 });
  const referenceMasks = new SnipPruning().prune(referenceRun.context).session.network.masks;
  const { context, sessions } = await syntheticContext(control(snip), { targetSparsity: 0.9 });
  const outcome = new MatchedRandomPruning(getPruningMethod).prune(context);
  const masks = outcome.session.network.masks;
  assert.deepEqual(prunedCounts(masks), prunedCounts(referenceMasks));
  assert.notDeepEqual(masks, referenceMasks);
  // The reference's network is freed; the control's session is the last created.
  assert.equal(sessions.at(-1), outcome.session);
  // Another seed draws other positions (and may give other counts).
  const other = await syntheticContext(control(snip), { targetSparsity: 0.9, seed: 8 });
  assert.notDeepEqual(
    new MatchedRandomPruning(getPruningMethod).prune(other.context).session.network.masks,
    masks,
  );
  for (const session of [...referenceRun.sessions, ...sessions, ...other.sessions]) {
    session.network.dispose();
  }
});

Deno.test("matched-random to a training reference: its epochs are cost, not the control's curve or budget", async () => {
  await initBackend("wasm");
  const dissipating: MethodSettings = {
    name: "dissipating",
    label: "dissipating",
    mode: "target",
    criterion: "relative",
    fraction: 0.1,
    pruningEpochs: 2,
    allocation: "global",
    initialization: "standard",
  };
  const referenceRun = await syntheticContext(dissipating, { targetSparsity: 0.8 });
  const reference = new DissipatingPruning().prune(referenceRun.context);
  const { context } = await syntheticContext(control(dissipating), { targetSparsity: 0.8 });
  let curvePoints = 0;
  context.onFinalNetworkEpoch = () => curvePoints++;
  const outcome = new MatchedRandomPruning(getPruningMethod).prune(context);
  assert.equal(curvePoints, 0);
  assert.equal(outcome.pruningEpochs, 2);
  assert.equal(outcome.budgetEpochsUsed, 0);
  assert.equal(outcome.session.epochsDone, 0);
  assert.deepEqual(
    prunedCounts(outcome.session.network.masks),
    prunedCounts(reference.session.network.masks),
  );
  reference.session.network.dispose();
  outcome.session.network.dispose();
});

Deno.test("matched-random without its reference's settings fails loudly", async () => {
  await initBackend("wasm");
  const { context } = await syntheticContext(
    { name: "matched-random", label: "m", reference: "snip" },
    { targetSparsity: 0.5 },
  );
  assert.throws(
    () => new MatchedRandomPruning(getPruningMethod).prune(context),
    /needs its reference's settings/,
  );
});
