import assert from "node:assert/strict";
import { groupRuns, mergeExperiments } from "../../src/report/grouping.ts";
import { evaluateWhenWhich, whenWhichCsv } from "../../src/report/when_which.ts";
import { type ResultOptions, seedsOf } from "./fixtures.ts";

const HALF = { allocation: "output-half" };
const DISSIPATING: ResultOptions = {
  method: "dissipating",
  parameters: { mode: "target", pruningEpochs: 2, ...HALF },
};
const RANDOM: ResultOptions = { method: "random", parameters: HALF };

function pruneEarly(kind: string, t: number, extra: Record<string, unknown> = HALF): ResultOptions {
  return {
    method: "prune-early",
    label: `prune-early ${kind} (t=${t})`,
    parameters: { maskKind: kind, denseEpochs: t, ...extra },
  };
}

/** Dissipating, random and three controls at 0.9, seeds 1-3. */
function results() {
  return [
    ...seedsOf(DISSIPATING, [0.886, 0.888, 0.887]),
    ...seedsOf(RANDOM, [0.879, 0.880, 0.878]),
    ...seedsOf(pruneEarly("random", 2), [0.884, 0.883, 0.885]),
    ...seedsOf(pruneEarly("magnitude", 2), [0.890, 0.891, 0.891]),
    // Not dissipating's: other t, other allocation.
    ...seedsOf(pruneEarly("random", 3), [0.80, 0.80, 0.80]),
    ...seedsOf({ ...pruneEarly("random", 2, { allocation: "uniform" }), label: "u" }, [
      0.7,
      0.7,
      0.7,
    ]),
    // Retrained: not split.
    ...seedsOf({ ...DISSIPATING, label: "dissipating (retrained)", retrain: true }, [
      0.87,
      0.87,
      0.87,
    ]),
  ];
}

const close = (actual: number | undefined, expected: number) =>
  assert.ok(Math.abs((actual as number) - expected) < 1e-12, `${actual} vs ${expected}`);

Deno.test("when/which: a lead over random splits into pruning after t epochs and the mask chosen", () => {
  const rows = evaluateWhenWhich(mergeExperiments(groupRuns(results())));
  assert.deepEqual(rows.map((row) => [row.effect, row.first, row.second, row.maskKind]), [
    ["lead", "dissipating", "random", undefined],
    ["when", "prune-early random (t=2)", "random", "random"],
    ["which", "dissipating", "prune-early magnitude (t=2)", "magnitude"],
    ["which", "dissipating", "prune-early random (t=2)", "random"],
  ]);
  const [lead, when, whichMagnitude, whichRandom] = rows;
  // By hand: lead 0.007, 0.008, 0.009 -> 0.008; when 0.005, 0.003, 0.007 -> 0.005;
  // which (random) 0.002, 0.005, 0.002 -> 0.003; which (magnitude) -0.004, -0.003, -0.004 (t = 11 on 2 degrees of freedom).
  close(lead.comparison.meanDifference, 0.008);
  close(when.comparison.meanDifference, 0.005);
  close(whichRandom.comparison.meanDifference, 0.003);
  close(whichMagnitude.comparison.meanDifference, -0.011 / 3);
  // Same seeds on every side: the lead is exactly when + which.
  close(
    lead.comparison.meanDifference as number,
    (when.comparison.meanDifference as number) + (whichRandom.comparison.meanDifference as number),
  );
  assert.ok(rows.every((row) => row.denseEpochs === 2 && row.method === "dissipating"));
  assert.equal(lead.outcome, "first better");
  assert.equal(whichMagnitude.outcome, "second better");
});

Deno.test("when/which: the combination finds its t = 3 control; threshold mode only a matched one", () => {
  const combination: ResultOptions = {
    method: "kstarts+dissipating",
    parameters: { k: 5, selectionEpochs: 1, pruningEpochs: 2, mode: "target", ...HALF },
  };
  const threshold: ResultOptions = {
    method: "dissipating",
    label: "dissipating (threshold 0.1)",
    parameters: { mode: "threshold", fraction: 0.1, pruningEpochs: 2, ...HALF },
  };
  const matched = pruneEarly("matched-random", 2, { reference: "dissipating (threshold 0.1)" });
  const rows = evaluateWhenWhich(mergeExperiments(groupRuns([
    ...results(),
    ...seedsOf(combination, [0.885, 0.886, 0.884]),
    ...seedsOf(threshold, [0.89, 0.89, 0.89]),
    ...seedsOf(matched, [0.891, 0.889, 0.89]),
  ])));
  const of = (method: string) =>
    rows.filter((row) => row.method === method).map((row) => [row.effect, row.second]);
  assert.deepEqual(of("kstarts+dissipating"), [
    ["lead", "random"],
    ["when", "random"],
    ["which", "prune-early random (t=3)"],
  ]);
  assert.deepEqual(of("dissipating (threshold 0.1)"), [
    ["lead", "random"],
    ["which", "prune-early matched-random (t=2)"],
  ]);
});

Deno.test("when/which: no prune-early control, no rows; K-starts and methods without mask epochs are not split", () => {
  const plain = results().filter((run) => run.spec.method.name !== "prune-early");
  assert.deepEqual(evaluateWhenWhich(mergeExperiments(groupRuns(plain))), []);
  const withMagnitude = [
    ...results(),
    ...seedsOf({ method: "magnitude", parameters: HALF }, [0.88, 0.88, 0.88]),
    // K-starts trains masked from initialization: a t = 1 control is no "when" for it.
    ...seedsOf({ method: "kstarts", parameters: { k: 5, selectionEpochs: 1, ...HALF } }, [
      0.88,
      0.881,
      0.882,
    ]),
    ...seedsOf(pruneEarly("random", 1), [0.88, 0.88, 0.88]),
  ];
  const rows = evaluateWhenWhich(mergeExperiments(groupRuns(withMagnitude)));
  assert.ok(rows.every((row) => row.method === "dissipating"));
});

Deno.test("whenWhichCsv: one line per row, the split's columns first", () => {
  const rows = evaluateWhenWhich(mergeExperiments(groupRuns(results())));
  const lines = whenWhichCsv(rows).trimEnd().split("\n");
  assert.equal(lines.length, 1 + rows.length);
  assert.match(lines[0], /^experiments,dataset,model,sparsity,method,denseEpochs,effect,maskKind,/);
  assert.match(
    lines[1],
    /^paper,fashion-mnist,mlp\[300-100\],0\.9,dissipating,2,lead,,dissipating,random,testAccuracy,3,0\.008000,/,
  );
  assert.match(lines[2], /,2,when,random,prune-early random \(t=2\),random,/);
});
