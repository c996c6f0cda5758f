import assert from "node:assert/strict";
import { expandExperiment } from "../../src/config/grid.ts";
import { parseExperimentText } from "../../src/config/parse_experiment.ts";
import { runId } from "../../src/config/run_id.ts";
import { assertConfigError, minimalFile } from "./helpers.ts";

const FILE = "experiments/controls.json";

function parse(methods: unknown[]) {
  return parseExperimentText(JSON.stringify({ ...minimalFile(), methods }), FILE);
}

Deno.test("matched-random: labelled after its reference, which it carries resolved", () => {
  const experiment = parse([
    { name: "snip", scoringSamples: 200 },
    { name: "matched-random", reference: "snip" },
  ]);
  const control = experiment.methods[1];
  assert.equal(control.label, "matched-random (snip)");
  assert.equal(control.reference, "snip");
  assert.deepEqual(control.referenceMethod, experiment.methods[0]);
  assert.equal((control.referenceMethod as Record<string, unknown>).scoringSamples, 200);
  // A label of the file's own choosing is kept.
  assert.equal(
    parse([{ name: "snip" }, { name: "matched-random", reference: "snip", label: "m" }])
      .methods[1].label,
    "m",
  );
});

Deno.test("matched-random: a change in its reference's settings changes the control's run ids", () => {
  const ids = (scoringSamples: number) =>
    expandExperiment(parse([
      { name: "snip", scoringSamples },
      { name: "matched-random", reference: "snip" },
    ])).filter((spec) => spec.method.name === "matched-random").map(runId);
  assert.notDeepEqual(ids(100), ids(200));
  assert.deepEqual(ids(100), ids(100));
});

Deno.test("matched-random: an unknown reference names the labels and suggests the closest", () => {
  assertConfigError(
    () => parse([{ name: "synflow" }, { name: "matched-random", reference: "synflw" }]),
    {
      file: FILE,
      path: "$.methods[1].reference",
      includes: ['no method is labelled "synflw"', '"synflow"', "did you mean"],
    },
  );
});

Deno.test("matched-random: dense and another control cannot be references", () => {
  assertConfigError(
    () => parse([{ name: "dense" }, { name: "matched-random", reference: "dense" }]),
    {
      file: FILE,
      path: "$.methods[1].reference",
      includes: ["a method that prunes (not dense)", "$.methods[0]"],
    },
  );
  assertConfigError(
    () =>
      parse([
        { name: "snip" },
        { name: "matched-random", reference: "snip" },
        { name: "matched-random", reference: "matched-random (snip)", label: "twice" },
      ]),
    { file: FILE, path: "$.methods[2].reference", includes: ["not matched-random"] },
  );
  assertConfigError(() => parse([{ name: "matched-random" }]), {
    file: FILE,
    path: "$.methods[0].reference",
    includes: ["label of another method"],
  });
});

Deno.test("density-aware initialization: default standard; refused where no mask meets initial weights", () => {
  assert.equal(parse([{ name: "random" }]).methods[0].initialization, "standard");
  assert.equal(
    parse([{ name: "snip", initialization: "density-aware" }]).methods[0].initialization,
    "density-aware",
  );
  for (const name of ["dissipating", "imp"]) {
    assertConfigError(() => parse([{ name, initialization: "density-aware" }]), {
      file: FILE,
      path: "$.methods[0].initialization",
      includes: [`"standard" for ${name} without a restart`, '"retrain": true'],
    });
    // With a restart the mask meets the initial weights again: allowed.
    assert.equal(
      parse([{ name, initialization: "density-aware", retrain: true }]).methods[0].initialization,
      "density-aware",
    );
  }
  assertConfigError(() => parse([{ name: "dense", initialization: "density-aware" }]), {
    file: FILE,
    path: "$.methods[0].initialization",
    includes: ['"standard" for dense'],
  });
});

Deno.test("dissipating criterion: relative by default; threshold mode only with relative", () => {
  assert.equal(parse([{ name: "dissipating" }]).methods[0].criterion, "relative");
  assert.equal(
    parse([{ name: "kstarts+dissipating", criterion: "gradient" }]).methods[0].criterion,
    "gradient",
  );
  assertConfigError(
    () => parse([{ name: "dissipating", mode: "threshold", criterion: "absolute" }]),
    {
      file: FILE,
      path: "$.methods[0].criterion",
      includes: ['expected "relative" with mode "threshold"', 'found "absolute"'],
    },
  );
});
