/**
 * Builders of {@link RunResult} fixtures for the report tests.
 *
 * @module
 */

import { createHash } from "node:crypto";
import assert from "node:assert/strict";
import type { CurvePoint, RunResult } from "../../src/config/types.ts";
import { type ClaimVerdict, evaluateClaims } from "../../src/report/claims.ts";
import { parseClaimsText } from "../../src/config/parse_claims.ts";
import type { ClaimsFile } from "../../src/config/claims_schema.ts";
import { buildReportFiles } from "../../src/report/write_report.ts";

/** The paper's claims file, as the report reads it. */
export const PAPER_CLAIMS: ClaimsFile = parseClaimsText(
  Deno.readTextFileSync(new URL("../../experiments/paper/claims.json", import.meta.url)),
  "experiments/paper/claims.json",
);

/** The files a standard-profile report judging {@link PAPER_CLAIMS} writes for `results`. */
export function paperClaimsReportFiles(results: RunResult[]): ReturnType<typeof buildReportFiles> {
  return buildReportFiles(results, {
    profile: "standard",
    experiments: [],
    versions: {},
    claims: [PAPER_CLAIMS],
  });
}

/** What a test wants to set on a result; everything else gets a plain default. */
export interface ResultOptions {
  experiment?: string;
  dataset?: "fashion-mnist" | "mnist" | "fashion-mnist-embedded" | "synthetic";
  modelKind?: "mlp" | "autoencoder";
  method?: string;
  label?: string;
  retrain?: boolean;
  sanityCheck?: string;
  sparsity?: number;
  seed?: number;
  /** Primary metric value. */
  value?: number;
  status?: "completed" | "diverged";
  /** Mask sparsity at the end of each epoch (epochs 1, 2, ...); defaults to the target throughout. */
  sparsityPerEpoch?: number[];
  achieved?: number;
  pruningEpochs?: number;
  collapsedLayers?: string[];
  wallSeconds?: number;
  /** `metrics.meanImageError` (autoencoders); absent unless given, like older stored runs. */
  meanImageError?: number;
  /** Further method parameters, e.g. a control's `referenceMethod`. */
  parameters?: Record<string, unknown>;
  /** Seeds of {@link seedsOf}, one per value; 1, 2, ... by default. */
  seeds?: number[];
  /** Training settings changed from the plain default (adam, lr 0.001, batch 128, 4 epochs). */
  training?: Partial<RunResult["spec"]["training"]>;
  /** The method's `methodReport`; empty by default. */
  methodReport?: Record<string, number | string | boolean>;
}

/** A complete, valid RunResult with the given settings. */
export function makeResult(options: ResultOptions = {}): RunResult {
  const experiment = options.experiment ?? "paper";
  const dataset = options.dataset ?? "fashion-mnist";
  const modelKind = options.modelKind ?? "mlp";
  const name = options.method ?? "random";
  const sparsity = options.sparsity ?? 0.9;
  const seed = options.seed ?? 1;
  const status = options.status ?? "completed";
  const method: RunResult["spec"]["method"] = {
    name,
    label: options.label ?? name,
    ...options.parameters,
  };
  if (options.retrain !== undefined) method.retrain = options.retrain;
  if (options.sanityCheck !== undefined) method.sanityCheck = options.sanityCheck;
  const spec: RunResult["spec"] = {
    experiment,
    dataset,
    model: modelKind === "mlp"
      ? { kind: "mlp", hidden: [300, 100] }
      : { kind: "autoencoder", hidden: [256, 64, 256] },
    training: {
      optimizer: "adam",
      learningRate: 0.001,
      momentum: 0,
      batchSize: 128,
      epochs: 4,
      ...options.training,
    },
    method,
    sparsity,
    seed,
    backend: "cpu",
    engine: "auto",
  };
  // Like the real run id, the hash leaves the experiment out: two experiments that ask for
  // the same settings share the run.
  const runId = createHash("sha256")
    .update(JSON.stringify({ ...spec, experiment: undefined }))
    .digest("hex")
    .slice(0, 16);
  const higherIsBetter = modelKind === "mlp";
  const metricName = higherIsBetter ? "testAccuracy" : "reconstructionError";
  const value = options.value ?? (higherIsBetter ? 0.9 : 0.02);
  const pruningEpochs = options.pruningEpochs ?? 0;
  const perEpoch = options.sparsityPerEpoch ?? [sparsity, sparsity, sparsity, sparsity];
  const curve: CurvePoint[] = perEpoch.map((reached, index) => ({
    epoch: index + 1,
    phase: index < pruningEpochs ? "pruning" : "training",
    trainLoss: 0.5 / (index + 1),
    testMetric: value,
    sparsity: reached,
  }));
  const result: RunResult = {
    schemaVersion: 1,
    runId,
    spec,
    status,
    primaryMetric: {
      name: metricName,
      value: status === "diverged" ? NaN : value,
      higherIsBetter,
    },
    metrics: {
      [metricName]: status === "diverged" ? NaN : value,
      ...(options.meanImageError !== undefined ? { meanImageError: options.meanImageError } : {}),
    },
    sparsity: {
      target: sparsity,
      achieved: options.achieved ?? sparsity,
      perLayer: [],
      collapsedLayers: options.collapsedLayers ?? [],
    },
    cost: {
      pruningEpochs,
      trainingEpochs: 4 - pruningEpochs,
      totalEpochs: 4,
    },
    curve,
    methodReport: options.methodReport ?? {},
    wallSeconds: options.wallSeconds ?? 1.5,
    versions: { tool: "0.1.0", deno: "2.9.6", tfjs: "4.22.0", backend: "cpu" },
  };
  if (status === "diverged") result.divergedAt = { epoch: 2, step: 17 };
  return result;
}

/** Results of one method at several seeds, with the given metric value per seed. */
export function seedsOf(options: ResultOptions, values: number[]): RunResult[] {
  return values.map((value, index) =>
    makeResult({ ...options, seed: options.seeds?.[index] ?? index + 1, value })
  );
}

/** A deterministic permutation of an array (reverses, then interleaves the halves). */
export function permute<T>(items: readonly T[]): T[] {
  const reversed = [...items].reverse();
  const half = Math.ceil(reversed.length / 2);
  const out: T[] = [];
  for (let index = 0; index < half; index++) {
    out.push(reversed[index]);
    if (index + half < reversed.length) out.push(reversed[index + half]);
  }
  return out;
}

/** `values` shifted by `by`, plus per-seed `noise` (none by default). */
export function shifted(values: number[], by: number, noise: number[] = [0, 0, 0, 0, 0]): number[] {
  return values.map((value, index) => value + by + noise[index]);
}

/**
 * The verdict of claim `id` of `files` (the paper's claims by default) over
 * `results`; fails the test when it is not evaluated.
 */
export function claim(
  results: RunResult[],
  id: string,
  files: readonly ClaimsFile[] = [PAPER_CLAIMS],
): ClaimVerdict {
  const found = evaluateClaims(results, files).claims.find((candidate) => candidate.id === id);
  assert.ok(found, `claim ${id} is evaluated`);
  return found;
}

/** One result per value, seeds 1, 2, ..., at `sparsity`. */
export function at(sparsity: number, options: ResultOptions, values: number[]): RunResult[] {
  return seedsOf({ ...options, sparsity }, values);
}
