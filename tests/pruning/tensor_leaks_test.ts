import assert from "node:assert/strict";
import type { MethodSettings } from "../../src/config/types.ts";
import { methodDefinition, methodSettingsSchema } from "../../src/config/method_parameters.ts";
import { initBackend } from "../../src/nn/backend.ts";
import * as tf from "../../src/nn/tf.ts";
import { getPruningMethod, pruningMethodNames } from "../../src/pruning/registry.ts";
import { syntheticContext } from "../nn/fixtures.ts";

/** Small values for the parameters that set a method's cost; defaults for the rest. */
const CHEAP: Readonly<Record<string, unknown>> = {
  k: 2,
  selectionEpochs: 1,
  pruningEpochs: 2,
  rounds: 2,
  scoringSamples: 8,
  samplesPerClass: 2,
};

/** A method's settings as an experiment file with only `name` and `label` parses them. */
function cheapSettings(name: string, extra: Record<string, unknown> = {}): MethodSettings {
  const input: Record<string, unknown> = { name, label: name, ...extra };
  for (const key of Object.keys(methodDefinition(name as never).parameters)) {
    if (key in CHEAP) input[key] = CHEAP[key];
  }
  return methodSettingsSchema(name as never).parse(input) as MethodSettings;
}

function settingsFor(name: string): MethodSettings {
  if (name !== "matched-random") return cheapSettings(name);
  const reference = cheapSettings("snip");
  return { ...cheapSettings(name, { reference: "snip" }), referenceMethod: reference };
}

// A study runs hundreds of prunings in one process: a method that leaves a discarded
// candidate network, scoring batch or gradient tensor behind grows the heap run by run.
// After pruning, the only tensors left must be those of the outcome's network.
/**
 * Every registered method, K-starts with layer selection (it frees its candidates apart)
 * and prune-early with a matched-random mask (it frees its reference's network).
 */
const CASES: { title: string; settings: MethodSettings }[] = [
  ...pruningMethodNames().map((name) => ({ title: name, settings: settingsFor(name) })),
  {
    title: "kstarts (layer selection)",
    settings: cheapSettings("kstarts", { selection: "layer" }),
  },
  {
    title: "prune-early (matched-random)",
    settings: {
      ...cheapSettings("prune-early", { maskKind: "matched-random", reference: "snip" }),
      referenceMethod: cheapSettings("snip"),
    },
  },
];

for (const { title, settings } of CASES) {
  Deno.test(`${title}: after pruning, the outcome's network holds the only tensors left`, async () => {
    await initBackend("wasm");
    const { context } = await syntheticContext(settings, {
      targetSparsity: 0.8,
      training: { epochs: 4 },
    });
    const probe = context.createNetwork();
    // A network makes its device tensors at their first use (by the tfjs path).
    probe.layers;
    const perNetwork = tf.memory().numTensors;
    probe.dispose();
    const before = tf.memory().numTensors;
    assert.ok(perNetwork > before, "a network holds tensors, so a leaked one is visible");
    const outcome = getPruningMethod(settings.name).prune(context);
    // Made now if the method never used the tfjs path: then the outcome's are all that is left.
    outcome.session.network.layers;
    assert.equal(tf.memory().numTensors - before, perNetwork - before);
    outcome.session.network.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
}
