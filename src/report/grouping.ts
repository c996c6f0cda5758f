/**
 * Groups stored results into "cells": all seeds of one method variant at one
 * sparsity in one experiment, dataset, model, training schedule and backend.
 * Tables, claims, rankings and figures all read these groups, so that they
 * agree on what counts as "the same setting".
 *
 * Groups and their runs come out in a fixed order (independent of the order
 * the results were read in), so every mean is summed in the same order and
 * every file comes out byte for byte the same.
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { ModelSettings, RunResult } from "../config/types.ts";
import type { MatchedPair } from "./statistics.ts";

/** JSON with object keys sorted at every level: equal settings give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const record = value as Record<string, unknown>;
  const entries = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${entries.join(",")}}`;
}

/** Compares two strings by code unit, independent of locale. */
export function compareText(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Short, readable description of a model, e.g. `mlp[300-100]`. */
export function describeModel(model: ModelSettings): string {
  return `${model.kind}[${model.hidden.join("-")}]`;
}

/**
 * Short description of how a run trained, e.g. `adam, lr 0.001, batch 64,
 * 20 epochs, wasm` (`sgd, lr 0.1, momentum 0.9, ...` with SGD): runs that
 * differ here are different settings and are never averaged together.
 */
export function describeTraining(spec: RunResult["spec"]): string {
  const training = spec.training;
  return [
    training.optimizer,
    `lr ${training.learningRate}`,
    ...(training.optimizer === "sgd" ? [`momentum ${training.momentum}`] : []),
    `batch ${training.batchSize}`,
    `${training.epochs} epochs`,
    spec.backend,
  ].join(", ");
}

/** Whether the method retrains the pruned network (`spec.method.retrain`, default false). */
export function methodRetrains(result: RunResult): boolean {
  return result.spec.method.retrain === true;
}

/** The sanity check applied to the method's mask (`spec.method.sanityCheck`), or `none`. */
export function methodSanityCheck(result: RunResult): string {
  const value = result.spec.method.sanityCheck;
  return typeof value === "string" && value !== "" ? value : "none";
}

/** Method settings without the keys named, for matching variants that differ only there. */
export function methodSettingsWithout(result: RunResult, keys: readonly string[]): string {
  const copy: Record<string, unknown> = { ...result.spec.method };
  for (const key of keys) delete copy[key];
  return canonicalJson(copy);
}

/** First eight hex digits of the SHA-256 of some text. */
function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 8);
}

/** All seeds of one method variant in one setting. */
export interface RunGroup {
  /** Experiment name (the "comparison" id). */
  experiment: string;
  /** Dataset name. */
  dataset: string;
  /** Model description from {@link describeModel}. */
  model: string;
  /** `mlp` or `autoencoder`. */
  modelKind: string;
  /** Target sparsity. */
  sparsity: number;
  /** Free-text label of the method. */
  label: string;
  /**
   * The label as shown in figures and the report: the label itself, made
   * unique within the experiment when variants share it (`kstarts (retrain)`,
   * `kstarts [settingsId]`).
   */
  displayName: string;
  /** Registry name of the method (`spec.method.name`). */
  methodName: string;
  /** Whether the method retrains the pruned network. */
  retrain: boolean;
  /** Sanity check applied to the mask, or `none`. */
  sanityCheck: string;
  /**
   * Hash of the method settings, training schedule and backend: tells apart
   * variants that share a label.
   */
  settingsId: string;
  /**
   * Identifies the setting that seeds can be paired within: experiment,
   * dataset, model, training schedule, backend and sparsity.
   */
  pairingKey: string;
  /** Canonical JSON of the method settings. */
  methodKey: string;
  /** The runs, ordered by seed then run id. */
  runs: RunResult[];
}

/** Sort order of groups: experiment, dataset, model, sparsity, display name, settings. */
export function compareGroups(left: RunGroup, right: RunGroup): number {
  return compareText(left.experiment, right.experiment) ||
    compareText(left.dataset, right.dataset) ||
    compareText(left.model, right.model) ||
    left.sparsity - right.sparsity ||
    compareText(left.displayName, right.displayName) ||
    compareText(left.settingsId, right.settingsId) ||
    compareText(left.pairingKey, right.pairingKey);
}

/**
 * Groups results by experiment, dataset, model, training, backend, method
 * variant and sparsity. Throws when one experiment has two results with the
 * same run id, because the store guarantees one result per run and a
 * duplicate would count a seed twice. (Two experiments may share a run: run
 * ids do not include the experiment's name.)
 */
export function groupRuns(results: readonly RunResult[]): RunGroup[] {
  const sorted = [...results].sort((left, right) =>
    left.spec.seed - right.spec.seed || compareText(left.runId, right.runId) ||
    compareText(left.spec.experiment, right.spec.experiment)
  );
  const seenRunIds = new Set<string>();
  const groups = new Map<string, RunGroup>();
  for (const result of sorted) {
    const key = `${result.spec.experiment}/${result.runId}`;
    if (seenRunIds.has(key)) {
      throw new Error(
        `report: experiment ${result.spec.experiment} has two results with run id ${result.runId}`,
      );
    }
    seenRunIds.add(key);
    const spec = result.spec;
    const methodKey = canonicalJson(spec.method);
    const settingsId = shortHash(
      canonicalJson({ method: spec.method, training: spec.training, backend: spec.backend }),
    );
    const pairingKey = canonicalJson({
      experiment: spec.experiment,
      dataset: spec.dataset,
      model: spec.model,
      training: spec.training,
      backend: spec.backend,
      sparsity: spec.sparsity,
    });
    const groupKey = `${pairingKey}\u0000${methodKey}`;
    let group = groups.get(groupKey);
    if (group === undefined) {
      group = {
        experiment: spec.experiment,
        dataset: spec.dataset,
        model: describeModel(spec.model),
        modelKind: spec.model.kind,
        sparsity: spec.sparsity,
        label: spec.method.label,
        displayName: spec.method.label,
        methodName: spec.method.name,
        retrain: methodRetrains(result),
        sanityCheck: methodSanityCheck(result),
        settingsId,
        pairingKey,
        methodKey,
        runs: [],
      };
      groups.set(groupKey, group);
    }
    group.runs.push(result);
  }
  const ordered = [...groups.values()].sort(compareGroups);
  assignDisplayNames(ordered);
  // Display names may have changed the order.
  return ordered.sort(compareGroups);
}

/** Names that one experiment uses for more than one method variant. */
function ambiguousNames(groups: readonly RunGroup[]): Set<string> {
  const variantsByName = new Map<string, Set<string>>();
  for (const group of groups) {
    const key = `${group.experiment}\u0000${group.displayName}`;
    const variants = variantsByName.get(key) ?? new Set<string>();
    variants.add(group.settingsId);
    variantsByName.set(key, variants);
  }
  return new Set(
    [...variantsByName.entries()].filter(([, variants]) => variants.size > 1).map(([key]) => key),
  );
}

/**
 * Makes display names unique within an experiment: a label shared by
 * several variants first gets what tells them apart most readably
 * (`kstarts (retrain)`, `snip (shuffle-layer)`), then, if still shared,
 * the settings id (`kstarts [1a2b3c4d]`).
 */
function assignDisplayNames(groups: RunGroup[]): void {
  let ambiguous = ambiguousNames(groups);
  for (const group of groups) {
    if (!ambiguous.has(`${group.experiment}\u0000${group.displayName}`)) continue;
    const qualifiers = [
      ...(group.retrain ? ["retrain"] : []),
      ...(group.sanityCheck !== "none" ? [group.sanityCheck] : []),
    ];
    if (qualifiers.length > 0) group.displayName = `${group.label} (${qualifiers.join(", ")})`;
  }
  ambiguous = ambiguousNames(groups);
  for (const group of groups) {
    if (ambiguous.has(`${group.experiment}\u0000${group.displayName}`)) {
      group.displayName = `${group.displayName} [${group.settingsId}]`;
    }
  }
}

/** Completed (not diverged) runs of a group. */
export function completedRuns(group: RunGroup): RunResult[] {
  return group.runs.filter((run) => run.status === "completed");
}

/** Seed-matched values of two groups; pairs with a diverged run are counted, not used. */
export function matchSeeds(
  first: RunGroup,
  second: RunGroup,
  value: (run: RunResult) => number | undefined,
): { pairs: MatchedPair[]; divergedPairs: number } {
  const secondBySeed = new Map(second.runs.map((run) => [run.spec.seed, run]));
  const pairs: MatchedPair[] = [];
  let divergedPairs = 0;
  for (const firstRun of first.runs) {
    const secondRun = secondBySeed.get(firstRun.spec.seed);
    if (secondRun === undefined) continue;
    if (firstRun.status !== "completed" || secondRun.status !== "completed") {
      divergedPairs++;
      continue;
    }
    const firstValue = value(firstRun);
    const secondValue = value(secondRun);
    if (firstValue === undefined || secondValue === undefined) continue;
    pairs.push({ first: firstValue, second: secondValue });
  }
  return { pairs, divergedPairs };
}

/** Groups bucketed by pairing key, in group order. */
export function bucketByPairingKey(groups: readonly RunGroup[]): RunGroup[][] {
  const buckets = new Map<string, RunGroup[]>();
  for (const group of groups) {
    const bucket = buckets.get(group.pairingKey) ?? [];
    bucket.push(group);
    buckets.set(group.pairingKey, bucket);
  }
  return [...buckets.values()];
}

/**
 * One group per distinct setting and method variant, whichever experiments
 * ask for it: groups that differ only in the experiment are merged, their
 * runs deduplicated by run id (a run id is the hash of every setting but the
 * experiment, so equal ids are the same run). The merged group's
 * `experiment` lists the experiments joined by ", ", and its pairing key
 * leaves the experiment out.
 */
export function mergeExperiments(groups: readonly RunGroup[]): RunGroup[] {
  const merged = new Map<string, { group: RunGroup; experiments: Set<string> }>();
  for (const group of groups) {
    const spec = group.runs[0].spec;
    const pairingKey = canonicalJson({
      dataset: spec.dataset,
      model: spec.model,
      training: spec.training,
      backend: spec.backend,
      sparsity: spec.sparsity,
    });
    const key = `${pairingKey}\u0000${group.methodKey}`;
    const existing = merged.get(key);
    if (existing === undefined) {
      merged.set(key, {
        group: { ...group, pairingKey, runs: [...group.runs] },
        experiments: new Set([group.experiment]),
      });
      continue;
    }
    existing.experiments.add(group.experiment);
    const known = new Set(existing.group.runs.map((run) => run.runId));
    for (const run of group.runs) if (!known.has(run.runId)) existing.group.runs.push(run);
  }
  return [...merged.values()].map(({ group, experiments }) => ({
    ...group,
    experiment: [...experiments].sort(compareText).join(", "),
    runs: group.runs.sort((left, right) =>
      left.spec.seed - right.spec.seed || compareText(left.runId, right.runId)
    ),
  }));
}

/**
 * The experiments that ask for the runs of any of `groups`, sorted and joined
 * by ", ": a comparison of two groups draws on the runs of both, and the
 * second may come from an experiment the first is not in.
 */
export function joinExperiments(...groups: readonly RunGroup[]): string {
  const experiments = new Set(groups.flatMap((group) => group.experiment.split(", ")));
  return [...experiments].sort(compareText).join(", ");
}

/**
 * Pairs each variant that differs from another only in `key` (and label):
 * `first` has the key set as `isFirst` says, `second` is its plain twin.
 */
export function twinPairs(
  key: string,
  isFirst: (group: RunGroup) => boolean,
  isSecond: (group: RunGroup) => boolean,
): (groups: RunGroup[]) => [RunGroup, RunGroup][] {
  return (groups) => {
    const pairs: [RunGroup, RunGroup][] = [];
    for (const left of groups.filter(isFirst)) {
      const leftSettings = methodSettingsWithout(left.runs[0], ["label", key]);
      for (const right of groups.filter(isSecond)) {
        if (methodSettingsWithout(right.runs[0], ["label", key]) === leftSettings) {
          pairs.push([left, right]);
        }
      }
    }
    return pairs;
  };
}
