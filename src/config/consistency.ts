/**
 * Rules that involve more than one setting, checked after the schema has
 * validated each setting on its own and before anything runs.
 *
 * @module
 */

import { ConfigError, formatJsonPath } from "./errors.ts";
import type { JsonPathSegments } from "./errors.ts";
import type { Experiment } from "./experiment.ts";
import { epochRequirement, finalTrainingProblem } from "./epoch_budget.ts";
import { allocationProblem } from "./allocation_limits.ts";
import { type AllocationName, SHAPED_ALLOCATION_NAMES } from "./method_parameters.ts";
import {
  copiesReference,
  MATCHED_RANDOM,
  PRUNE_EARLY,
  UNREFERENCEABLE_METHODS,
} from "./references.ts";
import { didYouMeanHint } from "./did_you_mean.ts";
import { canonicalJson } from "./run_id.ts";

/** Methods whose final mask is applied to trained weights, so density-aware rescaling has no initial weights to act on. */
const PRUNES_TRAINED_WEIGHTS: readonly string[] = ["dissipating", "imp", PRUNE_EARLY];

/** Where settings were written, so that errors point at the right line of the file. */
export interface SettingLocator {
  /** JSON path of a setting as the user should look for it. */
  locate: (segments: JsonPathSegments) => string;
  /** Words saying where `training.epochs` came from, e.g. ` (from profile "quick")`, or "". */
  epochsSource: string;
}

/** Locates every setting in the file itself. */
export const LOCATE_IN_FILE: SettingLocator = { locate: formatJsonPath, epochsSource: "" };

/**
 * Throws a {@link ConfigError} for the first cross-field problem of
 * `experiment`: duplicate labels, sparsities, seeds or grid values; a method
 * that needs more epochs than `training.epochs` (or a grid value of it)
 * allows; a sanity check on `dense`; an intermediate sparsity above a target;
 * an allocation that cannot reach the highest target sparsity on the model;
 * a matched-random control whose reference labels no method it can copy; a
 * final mask that trains less than `minimumFinalTraining` of the budget.
 */
export function checkExperimentConsistency(
  experiment: Experiment,
  locator: SettingLocator = LOCATE_IN_FILE,
): void {
  const { file } = experiment;
  const fail = (segments: JsonPathSegments, detail: string): never => {
    throw new ConfigError(file, locator.locate(segments), detail);
  };

  const labelOwners = new Map<string, number>();
  experiment.methods.forEach((method, index) => {
    const earlier = labelOwners.get(method.label);
    if (earlier !== undefined) {
      fail(
        ["methods", index],
        `duplicate label ${JSON.stringify(method.label)} (also the label of ${
          locator.locate(["methods", earlier])
        }); give one of them a distinct "label"`,
      );
    }
    labelOwners.set(method.label, index);
  });

  const epochs = experiment.training.epochs;
  experiment.methods.forEach((method, index) => {
    if (method.name === "dense" && method.sanityCheck !== "none") {
      fail(
        ["methods", index, "sanityCheck"],
        `expected "none" for dense (it has no mask to check), found ${
          JSON.stringify(method.sanityCheck)
        }`,
      );
    }
    const requirement = epochRequirement(method);
    if (requirement !== null && requirement.minimumEpochs > epochs) {
      fail(
        ["methods", index, requirement.parameter],
        `expected ${requirement.expression} ${requirement.comparison} training.epochs (${epochs}${locator.epochsSource}), found ${requirement.found}`,
      );
    }
    const finalTraining = finalTrainingProblem(method, epochs, experiment.minimumFinalTraining);
    if (finalTraining !== null) {
      fail(
        ["methods", index, finalTraining.parameter],
        `${finalTraining.detail} (training.epochs ${epochs}${locator.epochsSource})`,
      );
    }
    if (
      method.name === "imp" && typeof method.epochsPerRound === "number" &&
      Number(method.rewindEpoch) >= method.epochsPerRound
    ) {
      fail(
        ["methods", index, "rewindEpoch"],
        `expected rewindEpoch < epochsPerRound (${method.epochsPerRound}), found ${method.rewindEpoch}`,
      );
    }
    if (method.name === PRUNE_EARLY) {
      const matched = method.maskKind === MATCHED_RANDOM;
      if (matched !== (typeof method.reference === "string")) {
        fail(
          ["methods", index, matched ? "maskKind" : "reference"],
          matched
            ? `expected a "reference" (the label of the method whose per-layer counts the ` +
              `mask copies) with maskKind "matched-random"`
            : `expected no "reference" with maskKind ${
              JSON.stringify(method.maskKind)
            } (only "matched-random" copies a reference's counts), found ${
              JSON.stringify(method.reference)
            }`,
        );
      }
    }
    if (copiesReference(method)) checkReference(experiment, index, fail, locator);
    if (method.mode === "threshold" && method.criterion !== "relative") {
      fail(
        ["methods", index, "criterion"],
        `expected "relative" with mode "threshold" (its fraction is a fraction of the initial ` +
          `value), found ${JSON.stringify(method.criterion)}`,
      );
    }
    const restarts = method.retrain === true || method.sanityCheck !== "none";
    if (
      method.initialization === "density-aware" &&
      (method.name === "dense" ||
        (!restarts && PRUNES_TRAINED_WEIGHTS.includes(method.name)))
    ) {
      fail(
        ["methods", index, "initialization"],
        method.name === "dense"
          ? `expected "standard" for dense (it has no mask), found "density-aware"`
          : `expected "standard" for ${method.name} without a restart (it prunes trained ` +
            `weights, not initial ones; set "retrain": true to rescale at the restart), found ` +
            `"density-aware"`,
      );
    }
    const allocation = methodAllocation(method.allocation);
    if (allocation !== null) {
      const problem = allocationProblem(
        experiment.model,
        allocation,
        Math.max(...experiment.sparsities),
      );
      if (problem !== null) fail(["methods", index, "allocation"], problem);
    }
    if (typeof method.intermediateSparsity === "number") {
      const smallestTarget = Math.min(...experiment.sparsities);
      if (method.intermediateSparsity > smallestTarget) {
        fail(
          ["methods", index, "intermediateSparsity"],
          `expected at most the smallest target sparsity (${smallestTarget}), found ${method.intermediateSparsity}`,
        );
      }
    }
  });

  checkUnique(experiment.sparsities, ["sparsities"], fail, locator);
  checkUnique(experiment.seeds, ["seeds"], fail, locator);

  const gridPaths = experiment.grid.map((axis) => axis.path);
  if (gridPaths.includes("model") && gridPaths.includes("model.hidden")) {
    fail(
      ["grid", "model.hidden"],
      'cannot vary together with grid "model"; give the hidden layers inside the model objects',
    );
  }
  for (const axis of experiment.grid) {
    checkUnique(axis.values, ["grid", axis.path], fail, locator);
    if (axis.path !== "training.epochs") continue;
    axis.values.forEach((value, valueIndex) => {
      experiment.methods.forEach((method, methodIndex) => {
        const requirement = epochRequirement(method);
        if (requirement !== null && requirement.minimumEpochs > Number(value)) {
          fail(
            ["grid", axis.path, valueIndex],
            `expected an integer >= ${requirement.minimumEpochs} (method ${
              JSON.stringify(method.label)
            } at ${
              locator.locate(["methods", methodIndex])
            } needs ${requirement.expression} ${requirement.comparison} training.epochs, and ${requirement.expression} is ${requirement.found}), found ${value}`,
          );
        }
        const finalTraining = finalTrainingProblem(
          method,
          Number(value),
          experiment.minimumFinalTraining,
        );
        if (finalTraining !== null) {
          fail(
            ["grid", axis.path, valueIndex],
            `${finalTraining.detail} (method ${JSON.stringify(method.label)} at ${
              locator.locate(["methods", methodIndex])
            })`,
          );
        }
      });
    });
  }
}

function checkUnique(
  values: readonly unknown[],
  listPath: JsonPathSegments,
  fail: (segments: JsonPathSegments, detail: string) => never,
  locator: SettingLocator,
): void {
  const firstIndexOf = new Map<string, number>();
  values.forEach((value, index) => {
    const key = canonicalJson(value);
    const earlier = firstIndexOf.get(key);
    if (earlier !== undefined) {
      fail(
        [...listPath, index],
        `duplicate of ${
          locator.locate([...listPath, earlier])
        } (${key}); each value may appear once`,
      );
    }
    firstIndexOf.set(key, index);
  });
}

/** The allocation a method setting names, or `null` when it has none. */
export function methodAllocation(value: unknown): AllocationName | null {
  return typeof value === "string" &&
      (SHAPED_ALLOCATION_NAMES as readonly string[]).includes(value)
    ? value as AllocationName
    : null;
}

function checkReference(
  experiment: Experiment,
  index: number,
  fail: (segments: JsonPathSegments, detail: string) => never,
  locator: SettingLocator,
): void {
  const reference = experiment.methods[index].reference;
  const labels = experiment.methods.map((method) => method.label);
  const referenced = experiment.methods.findIndex((method) => method.label === reference);
  if (referenced < 0) {
    fail(
      ["methods", index, "reference"],
      `no method is labelled ${JSON.stringify(reference)}; labels: ${
        labels.map((label) => JSON.stringify(label)).join(", ")
      }` + didYouMeanHint(reference, labels),
    );
  }
  const name = experiment.methods[referenced].name;
  if (UNREFERENCEABLE_METHODS.includes(name)) {
    fail(
      ["methods", index, "reference"],
      `expected the label of a method that prunes (not ${name}), found ${
        JSON.stringify(reference)
      } (${locator.locate(["methods", referenced])})`,
    );
  }
}
