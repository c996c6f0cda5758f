/**
 * The experiment-file rules of the prune-early control and the
 * `equal-fan-in` allocation: which settings go together, what they count
 * against the budget, and that adding them left existing run ids alone.
 */
import assert from "node:assert/strict";
import { expandExperiment } from "../../src/config/grid.ts";
import { parseExperimentText } from "../../src/config/parse_experiment.ts";
import { runId } from "../../src/config/run_id.ts";
import { estimatedRunEpochs } from "../../src/runner/cost_estimate.ts";
import { assertConfigError, minimalFile } from "./helpers.ts";

const FILE = "experiments/prune-early.json";

function parse(methods: unknown[], extra: Record<string, unknown> = {}) {
  return parseExperimentText(JSON.stringify({ ...minimalFile(), methods, ...extra }), FILE);
}

Deno.test("prune-early: defaults, and a matched-random mask carries its reference resolved", () => {
  const [plain, threshold, matched] = parse([
    { name: "prune-early" },
    { name: "dissipating", label: "dissipating (threshold)", mode: "threshold" },
    {
      name: "prune-early",
      label: "prune-early (matched)",
      maskKind: "matched-random",
      reference: "dissipating (threshold)",
    },
  ]).methods;
  assert.equal(plain.maskKind, "random");
  assert.equal(plain.denseEpochs, 2);
  assert.equal(plain.allocation, "output-half");
  assert.equal(plain.referenceMethod, undefined);
  assert.deepEqual(matched.referenceMethod, threshold);
});

Deno.test("prune-early: matched-random needs a reference, the other masks refuse one", () => {
  assertConfigError(() => parse([{ name: "prune-early", maskKind: "matched-random" }]), {
    file: FILE,
    path: "$.methods[0].maskKind",
    includes: ['expected a "reference"'],
  });
  assertConfigError(
    () => parse([{ name: "random" }, { name: "prune-early", reference: "random" }]),
    { file: FILE, path: "$.methods[1].reference", includes: ['maskKind "random"'] },
  );
  assertConfigError(
    () =>
      parse([
        { name: "prune-early", label: "a" },
        { name: "prune-early", maskKind: "matched-random", reference: "a" },
      ]),
    { file: FILE, path: "$.methods[1].reference", includes: ["not prune-early"] },
  );
});

Deno.test("prune-early: denseEpochs count against the budget and the final-training rule", () => {
  assertConfigError(
    () => parse([{ name: "prune-early", denseEpochs: 6 }], { training: { epochs: 5 } }),
    { file: FILE, path: "$.methods[0].denseEpochs", includes: ["denseEpochs <= training.epochs"] },
  );
  assertConfigError(
    () => parse([{ name: "prune-early", denseEpochs: 6 }], { training: { epochs: 20 } }),
    { file: FILE, path: "$.methods[0].denseEpochs", includes: ["leaves 14"] },
  );
  assertConfigError(() => parse([{ name: "prune-early", initialization: "density-aware" }]), {
    file: FILE,
    path: "$.methods[0].initialization",
    includes: ["prunes trained weights"],
  });
});

Deno.test("prune-early: its cost is denseEpochs inside the budget, plus a matched reference's mask epochs", () => {
  const specs = expandExperiment(parse([
    { name: "kstarts", k: 4, selectionEpochs: 2, allocation: "global" },
    { name: "prune-early", denseEpochs: 3 },
    { name: "prune-early", label: "m", maskKind: "matched-random", reference: "kstarts" },
  ], { training: { epochs: 20 } }));
  const epochsOf = (label: string) =>
    estimatedRunEpochs(specs.find((spec) => spec.method.label === label)!);
  const plain = epochsOf("prune-early");
  const matched = epochsOf("m");
  assert.deepEqual(plain, { pruningEpochs: 3, trainingEpochs: 17, totalEpochs: 20 });
  assert.deepEqual(matched, { pruningEpochs: 8 + 2, trainingEpochs: 18, totalEpochs: 28 });
});

Deno.test("equal-fan-in: offered to the methods that pass layer shapes, not to SNIP, GraSP, SynFlow, IMP", () => {
  for (const name of ["random", "magnitude", "kstarts", "dissipating", "kstarts+dissipating"]) {
    assert.equal(
      parse([{ name, allocation: "equal-fan-in" }]).methods[0].allocation,
      "equal-fan-in",
    );
  }
  for (const name of ["snip", "grasp", "synflow", "imp"]) {
    assertConfigError(() => parse([{ name, allocation: "equal-fan-in" }]), {
      file: FILE,
      path: "$.methods[0].allocation",
      includes: ['"equal-fan-in"'],
    });
  }
  // It reaches every sparsity, also on the autoencoder where output-half stops below 0.769.
  parse([{ name: "random", allocation: "equal-fan-in" }], {
    model: { kind: "autoencoder" },
    sparsities: [0.99],
  });
});

Deno.test("the new parameters are not written into existing methods' settings, so their run ids stay", () => {
  // Frozen: the id of this spec before prune-early and equal-fan-in existed (commit 613d1a2),
  // under the engine rule of that commit (revision 1, pinned).
  const [spec] = expandExperiment(
    parse([{ name: "dissipating", mode: "target" }], { engineRule: 1 }),
  );
  assert.deepEqual(Object.keys(spec.method).sort(), [
    "allocation",
    "criterion",
    "fraction",
    "initialization",
    "label",
    "mode",
    "name",
    "pruningEpochs",
    "retrain",
    "sanityCheck",
  ]);
  assert.equal(runId(spec), FROZEN_DISSIPATING_ID);
});

const FROZEN_DISSIPATING_ID = "af5ef080706a13a0";
