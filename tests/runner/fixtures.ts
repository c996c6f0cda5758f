/**
 * Shared fixtures of the runner tests: tiny experiments on the synthetic
 * dataset, their run specs, and helpers to look inside a result store.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { expandExperiment, parseExperimentText } from "../../src/config/mod.ts";
import type { RunResult, RunSpec } from "../../src/config/types.ts";
import { runId } from "../../src/config/run_id.ts";

/** Absolute path of the repository root (the CLI's working directory). */
export const REPO_ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** Absolute path of the smoke experiment file. */
export const SMOKE_FILE: string = join(REPO_ROOT, "experiments", "smoke.json");

/**
 * A small experiment document on the synthetic dataset: random pruning of a
 * one-hidden-layer MLP for one epoch; `seeds` and `sparsities` set its size.
 */
export function tinyExperiment(
  options: { name?: string; seeds?: number[]; sparsities?: number[] } = {},
): Record<string, unknown> {
  return {
    name: options.name ?? "tiny",
    dataset: "synthetic",
    model: { kind: "mlp", hidden: [16] },
    training: { optimizer: "adam", learningRate: 0.003, batchSize: 64, epochs: 1 },
    methods: [{ name: "random" }],
    sparsities: options.sparsities ?? [0.5, 0.8],
    seeds: options.seeds ?? [1, 2],
  };
}

/** The run specs of an experiment document (validated as a file would be). */
export function specsOf(document: Record<string, unknown>): RunSpec[] {
  return expandExperiment(parseExperimentText(JSON.stringify(document), "tiny.json"));
}

/** Names of the entries of a directory, sorted (empty when it does not exist). */
export async function listDirectory(directory: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(directory)) names.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

/** A stored result with the one field that legitimately varies (wall-clock time) removed. */
export function withoutWallTime(result: RunResult): Omit<RunResult, "wallSeconds"> {
  const { wallSeconds: _wallSeconds, ...rest } = result;
  return rest;
}

/** Reads every `*.json` result file of a store directory, keyed by file name. */
export async function readStoredResults(directory: string): Promise<Map<string, RunResult>> {
  const results = new Map<string, RunResult>();
  for (const name of await listDirectory(directory)) {
    if (name.endsWith(".json")) {
      results.set(name, JSON.parse(await Deno.readTextFile(join(directory, name))));
    }
  }
  return results;
}

/** A plausible result of `spec` (the store does not care how it was computed). */
export function fakeResult(spec: RunSpec, value = 0.75): RunResult {
  return {
    schemaVersion: 1,
    runId: runId(spec),
    spec,
    status: "completed",
    primaryMetric: { name: "testAccuracy", value, higherIsBetter: true },
    metrics: { testAccuracy: value, testLoss: 0.5 },
    sparsity: {
      target: spec.sparsity,
      achieved: spec.sparsity,
      perLayer: [{ layer: "dense_0", total: 10, pruned: 5, sparsity: 0.5 }],
      collapsedLayers: [],
    },
    cost: { pruningEpochs: 0, trainingEpochs: 1, totalEpochs: 1 },
    curve: [{ epoch: 1, phase: "training", trainLoss: 1.25, testMetric: value, sparsity: 0.5 }],
    methodReport: { note: "fake" },
    wallSeconds: 0.125,
    versions: { tool: "test", deno: Deno.version.deno, tfjs: "none", backend: "wasm" },
  };
}
