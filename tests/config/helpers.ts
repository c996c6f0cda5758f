/**
 * Shared fixtures for the config tests.
 *
 * @module
 */

import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/errors.ts";

/** The smallest valid experiment file: everything else defaults. */
export function minimalFile(): Record<string, unknown> {
  return {
    name: "minimal",
    dataset: "fashion-mnist",
    methods: [{ name: "random" }],
    sparsities: [0.5],
  };
}

/** The example file of the format description, with every kind of setting. */
export function fullFile(): Record<string, unknown> {
  return {
    $schema: "../schema.json",
    name: "mlp-fashion-mnist",
    description: "free text",
    dataset: "fashion-mnist",
    model: { kind: "mlp", hidden: [300, 100] },
    training: { optimizer: "adam", learningRate: 0.001, momentum: 0.9, batchSize: 64, epochs: 10 },
    methods: [
      { name: "random" },
      { name: "kstarts", k: 5, selectionEpochs: 2, fitness: "magnitude" },
      { name: "dissipating", mode: "target" },
      { name: "kstarts+dissipating" },
      { name: "random", label: "random (retrained)", retrain: true },
    ],
    sparsities: [0.5, 0.8, 0.9],
    seeds: [1, 2, 3],
    backend: "wasm",
    engine: "auto",
    // Half: K-starts + dissipating's final mask trains 6 of the 10 epochs.
    minimumFinalTraining: 0.5,
    grid: { "training.learningRate": [0.001, 0.01] },
    profiles: {
      quick: { dataset: "fashion-mnist-embedded", "training.epochs": 4, minimumFinalTraining: 0 },
      paper: {},
    },
  };
}

/** Asserts that `action` throws a {@link ConfigError} with this file and path whose message contains every fragment. */
export function assertConfigError(
  action: () => unknown,
  expected: { file: string; path: string | null; includes: string[] },
): ConfigError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${caught}`);
  assert.equal(caught.file, expected.file);
  assert.equal(caught.path, expected.path, caught.message);
  assert.equal(caught.exitCode, 2);
  assert.ok(!caught.message.includes("\n"), "message must be one line");
  const prefix = expected.path === null
    ? `${expected.file}: `
    : `${expected.file}: ${expected.path}: `;
  assert.ok(caught.message.startsWith(prefix), caught.message);
  for (const fragment of expected.includes) {
    assert.ok(
      caught.message.includes(fragment),
      `${JSON.stringify(fragment)} not in: ${caught.message}`,
    );
  }
  return caught;
}
