import assert from "node:assert/strict";
import fc from "fast-check";
import { kthSmallest } from "../../src/pruning/order_statistic.ts";
import { selectByScore } from "../../src/pruning/allocation.ts";
import { Rng } from "../../src/rng.ts";
import { propertySeed } from "../property_seed.ts";

/** The reference: the value a full numeric sort puts at `k`. */
const sortedAt = (values: Float64Array, k: number) => values.slice().sort()[k];

Deno.test("kthSmallest equals the sorted array's value at every index, ties and both zeros included", () => {
  const seed = propertySeed("kthSmallest against a sort", 2209);
  fc.assert(
    fc.property(
      // Few distinct values (long runs of ties, -0 and +0) or many.
      fc.oneof(
        fc.array(fc.constantFrom(-0, 0, 1, -1, 2, -Infinity, Infinity), {
          minLength: 1,
          maxLength: 300,
        }),
        fc.array(fc.double({ noNaN: true }), { minLength: 1, maxLength: 300 }),
      ),
      fc.nat(),
      (list, pick) => {
        const values = Float64Array.from(list);
        const before = values.slice();
        const k = pick % values.length;
        // === (not Object.is): -0 and +0 are the one threshold to a selection.
        assert.ok(kthSmallest(values, k) === sortedAt(values, k), `k=${k} of ${list}`);
        assert.deepEqual(values, before, "the input is left as it is");
      },
    ),
    { seed, numRuns: 500 },
  );
});

Deno.test("kthSmallest: large, sorted, reversed and constant inputs, every order statistic checked", () => {
  const rng = new Rng("order-statistic");
  const random = Float64Array.from({ length: 5000 }, () => rng.nextFloat());
  const ascending = Float64Array.from({ length: 3000 }, (_, index) => index);
  const descending = ascending.slice().reverse();
  const organPipe = Float64Array.from(
    { length: 3001 },
    (_, index) => Math.min(index, 3000 - index),
  );
  const constant = new Float64Array(2000).fill(0.25);
  for (const values of [random, ascending, descending, organPipe, constant]) {
    const sorted = values.slice().sort();
    for (let k = 0; k < values.length; k += 7) assert.equal(kthSmallest(values, k), sorted[k]);
    assert.equal(kthSmallest(values, values.length - 1), sorted[values.length - 1]);
  }
});

Deno.test("kthSmallest refuses an index outside the values and NaN values", () => {
  assert.throws(() => kthSmallest(Float64Array.of(1, 2), 2), /k must be an index of the 2 values/);
  assert.throws(() => kthSmallest(Float64Array.of(1, 2), -1), RangeError);
  assert.throws(() => kthSmallest(Float64Array.of(1, 2), 0.5), RangeError);
  assert.throws(() => kthSmallest(new Float64Array(0), 0), RangeError);
  assert.throws(() => kthSmallest(Float64Array.of(1, Number.NaN), 0), /value 1 is NaN/);
});

Deno.test("selectByScore with the quickselect prunes what a full sort's threshold prunes (layer-sized scores)", () => {
  // Mask selection at the study's sizes and sparsities, ties included, against
  // the rule spelled out: prune the toPrune lowest, earlier positions first on ties.
  const rng = new Rng("selection-sizes");
  for (const sparsity of [0.5, 0.9, 0.98]) {
    for (const levels of [0, 3]) {
      const score = Float32Array.from(
        { length: 23520 },
        () => levels === 0 ? rng.nextFloat() : Math.floor(rng.nextFloat() * levels),
      );
      const [mask] = selectByScore(
        [score],
        [new Float32Array(score.length).fill(1)],
        sparsity,
        "uniform",
      );
      const toPrune = Math.round(sparsity * score.length);
      const order = Array.from(score.keys()).sort((a, b) => score[a] - score[b] || a - b);
      const expected = new Float32Array(score.length).fill(1);
      for (const position of order.slice(0, toPrune)) expected[position] = 0;
      assert.deepEqual(mask, expected, `sparsity ${sparsity}, ${levels || "no"} tie levels`);
    }
  }
});
