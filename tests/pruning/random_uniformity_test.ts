/**
 * Random pruning keeps every position with the same probability: each weight
 * gets an independent uniform score (a mutation survivor showed that a first
 * weight left without a score, always pruned, went unnoticed).
 *
 * @module
 */

import assert from "node:assert/strict";
import { denseMasks } from "../../src/pruning/allocation.ts";
import { randomMasks } from "../../src/pruning/random.ts";
import { matchedRandomMasks } from "../../src/pruning/matched_random.ts";
import { Rng } from "../../src/rng.ts";

Deno.test("randomMasks: every position is kept about as often as the density says", () => {
  // Two layers of 8, sparsity 0.5, 400 fixed seeds: each position is kept
  // Binomial(400, 0.5) times, mean 200, standard deviation 10. The bounds
  // 140..260 are six standard deviations out; an always-pruned (0) or
  // always-kept (400) position is far outside them.
  for (const allocation of ["uniform", "global"] as const) {
    const kept = [new Array(8).fill(0), new Array(8).fill(0)];
    for (let seed = 1; seed <= 400; seed++) {
      const masks = randomMasks(denseMasks([8, 8]), 0.5, allocation, new Rng(`uniformity/${seed}`));
      masks.forEach((mask, layer) =>
        mask.forEach((value, position) => (kept[layer][position] += value))
      );
    }
    kept.forEach((counts, layer) =>
      counts.forEach((count, position) =>
        assert.ok(
          count >= 140 && count <= 260,
          `${allocation}: layer ${layer} position ${position} kept ${count} of 400 times`,
        )
      )
    );
  }
});

Deno.test("matchedRandomMasks: every position is kept about as often as the counts say", () => {
  // Layers of 8 and 8 with 4 and 2 pruned: each position is kept with
  // probability 1/2 and 3/4; over 400 fixed seeds, Binomial means 200 and 300,
  // standard deviations 10 and 8.7. Bounds six standard deviations out.
  const expected = [[140, 260], [248, 352]];
  const kept = [new Array(8).fill(0), new Array(8).fill(0)];
  for (let seed = 1; seed <= 400; seed++) {
    const masks = matchedRandomMasks(denseMasks([8, 8]), [4, 2], new Rng(`matched/${seed}`));
    masks.forEach((mask, layer) =>
      mask.forEach((value, position) => (kept[layer][position] += value))
    );
  }
  kept.forEach((counts, layer) =>
    counts.forEach((count, position) =>
      assert.ok(
        count >= expected[layer][0] && count <= expected[layer][1],
        `layer ${layer} position ${position} kept ${count} of 400 times`,
      )
    )
  );
});
