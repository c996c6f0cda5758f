import assert from "node:assert/strict";
import { epochRequirement, maskEpochUse } from "../../src/config/epoch_budget.ts";
import { parseExperimentText } from "../../src/config/parse_experiment.ts";
import { assertConfigError, minimalFile } from "./helpers.ts";

const FILE = "experiments/budget.json";

function parse(extra: Record<string, unknown>, profile?: string) {
  return parseExperimentText(
    JSON.stringify({ ...minimalFile(), training: { epochs: 20 }, ...extra }),
    FILE,
    { profile },
  );
}

Deno.test("maskEpochUse: the epochs spent on the final network before its mask is fixed", () => {
  const method = (settings: Record<string, unknown>) => ({ label: "m", ...settings }) as never;
  assert.deepEqual(maskEpochUse(method({ name: "dissipating", pruningEpochs: 5 })), {
    parameter: "pruningEpochs",
    epochs: 5,
    expression: "pruningEpochs = 5",
  });
  assert.deepEqual(
    maskEpochUse(method({ name: "kstarts+dissipating", selectionEpochs: 1, pruningEpochs: 3 })),
    {
      parameter: "pruningEpochs",
      epochs: 4,
      expression: "selectionEpochs + pruningEpochs = 1 + 3",
    },
  );
  assert.deepEqual(maskEpochUse(method({ name: "imp", rewindEpoch: 2 }))?.epochs, 2);
  assert.deepEqual(maskEpochUse(method({ name: "imp", rewindEpoch: 1 })), {
    parameter: "rewindEpoch",
    epochs: 1,
    expression: "rewindEpoch = 1",
  });
  // A name the registry does not know (the schema reports it elsewhere) needs nothing.
  assert.equal(maskEpochUse(method({ name: "no-such-method" })), null);
  assert.equal(maskEpochUse(method({ name: "imp", rewindEpoch: 0 })), null);
  assert.equal(maskEpochUse(method({ name: "random" })), null);
  // A restart trains the whole budget on the final mask.
  assert.equal(
    maskEpochUse(method({ name: "dissipating", pruningEpochs: 5, retrain: true })),
    null,
  );
  assert.equal(
    maskEpochUse(method({ name: "kstarts", selectionEpochs: 9, sanityCheck: "shuffle-layer" })),
    null,
  );
});

Deno.test("epochRequirement: what each method asks of training.epochs, by hand", () => {
  const method = (settings: Record<string, unknown>) => ({ label: "m", ...settings }) as never;
  assert.deepEqual(epochRequirement(method({ name: "kstarts", selectionEpochs: 4 })), {
    parameter: "selectionEpochs",
    minimumEpochs: 4,
    expression: "selectionEpochs",
    comparison: "<=",
    found: "4",
  });
  assert.deepEqual(
    epochRequirement(method({ name: "kstarts+dissipating", selectionEpochs: 2, pruningEpochs: 3 })),
    {
      parameter: "pruningEpochs",
      minimumEpochs: 5,
      expression: "selectionEpochs + pruningEpochs",
      comparison: "<=",
      found: "2 + 3 = 5",
    },
  );
  // IMP rounds of training.epochs each: the rewind point must lie before a round's end.
  assert.deepEqual(epochRequirement(method({ name: "imp", rewindEpoch: 3 })), {
    parameter: "rewindEpoch",
    minimumEpochs: 4,
    expression: "rewindEpoch",
    comparison: "<",
    found: "3",
  });
  // Rounds of their own length, methods without epochs of their own, unknown names: nothing.
  assert.equal(epochRequirement(method({ name: "imp", rewindEpoch: 3, epochsPerRound: 5 })), null);
  assert.equal(epochRequirement(method({ name: "random" })), null);
  assert.equal(epochRequirement(method({ name: "no-such-method" })), null);
});

Deno.test("the final mask must train 15 of 20 epochs by default: 5 dissipation epochs pass, 6 fail", () => {
  assert.equal(parse({}).minimumFinalTraining, 0.75);
  parse({ methods: [{ name: "dissipating", pruningEpochs: 5 }] });
  assertConfigError(() => parse({ methods: [{ name: "dissipating", pruningEpochs: 6 }] }), {
    file: FILE,
    path: "$.methods[0].pruningEpochs",
    includes: ["at least 0.75 of training.epochs (15 of 20", "pruningEpochs = 6 leaves 14"],
  });
  assertConfigError(
    () =>
      parse({
        methods: [{ name: "random" }, {
          name: "kstarts+dissipating",
          selectionEpochs: 2,
          pruningEpochs: 4,
        }],
      }),
    {
      file: FILE,
      path: "$.methods[1].pruningEpochs",
      includes: ["selectionEpochs + pruningEpochs = 2 + 4 leaves 14"],
    },
  );
  assertConfigError(() => parse({ methods: [{ name: "imp", rewindEpoch: 6 }] }), {
    file: FILE,
    path: "$.methods[0].rewindEpoch",
    includes: ["rewindEpoch = 6 leaves 14"],
  });
  // Retraining trains the final mask the whole budget.
  parse({ methods: [{ name: "dissipating", pruningEpochs: 10, retrain: true }] });
  // The control copies a reference's densities but trains the whole budget itself.
  parse({
    minimumFinalTraining: 0.5,
    methods: [{ name: "dissipating", pruningEpochs: 10 }, {
      name: "matched-random",
      reference: "dissipating",
    }],
  });
});

Deno.test("the rule's share is a setting, overridable by a profile, and checked for grid budgets", () => {
  const methods = [{ name: "dissipating", pruningEpochs: 2 }];
  // 3 epochs leave 1 of 3: too few for 0.75, enough for a rehearsal's 0.3.
  const rehearsal = {
    methods,
    profiles: { quick: { "training.epochs": 3, minimumFinalTraining: 0.3 } },
  };
  assert.equal(parse(rehearsal, "quick").minimumFinalTraining, 0.3);
  assertConfigError(
    () => parse({ methods, profiles: { quick: { "training.epochs": 3 } } }, "quick"),
    {
      file: FILE,
      path: "$.methods[0].pruningEpochs",
      includes: ["(3 of 3", 'from profile "quick"'],
    },
  );
  assertConfigError(() => parse({ methods, grid: { "training.epochs": [20, 4] } }), {
    file: FILE,
    path: '$.grid["training.epochs"][1]',
    includes: ["(3 of 4", "pruningEpochs = 2 leaves 2", '"dissipating" at $.methods[0]'],
  });
  assertConfigError(() => parse({ minimumFinalTraining: 1.5 }), {
    file: FILE,
    path: "$.minimumFinalTraining",
    includes: ["expected a number in [0, 1]"],
  });
});
