/**
 * Grid expansion: an experiment becomes the list of its runs, one
 * {@link RunSpec} per method x sparsity x seed x grid combination.
 *
 * @module
 */

import { ConfigError, formatJsonPath } from "./errors.ts";
import { didYouMeanHint } from "./did_you_mean.ts";
import type { Experiment } from "./experiment.ts";
import { GRID_PATHS, gridValueSchema } from "./experiment_schema.ts";
import type { GridPath } from "./experiment_schema.ts";
import { isMethodName, methodDefinition } from "./method_parameters.ts";
import { epochRequirement } from "./epoch_budget.ts";
import { allocationProblem } from "./allocation_limits.ts";
import { methodAllocation } from "./consistency.ts";
import { configErrorFromIssues, describeExpectation } from "./zod_issues.ts";
import type { RunSpec } from "./types.ts";
import { engineRevisionFor } from "./engine_revision.ts";

/** The settings of a run that grid axes may change. */
type GridSettings = Pick<RunSpec, "dataset" | "model" | "training" | "backend" | "engine">;

/** Writes one grid value into a copy of the settings. */
function withGridValue(settings: GridSettings, path: GridPath, value: unknown): GridSettings {
  const next = structuredClone(settings);
  const copy = structuredClone(value);
  if (path === "dataset") next.dataset = copy as GridSettings["dataset"];
  else if (path === "backend") next.backend = copy as GridSettings["backend"];
  else if (path === "engine") next.engine = copy as GridSettings["engine"];
  else if (path === "model") next.model = copy as GridSettings["model"];
  else if (path === "model.hidden") next.model.hidden = copy as number[];
  else {
    const field = path.slice("training.".length) as keyof GridSettings["training"];
    (next.training as unknown as Record<string, unknown>)[field] = copy;
  }
  return next;
}

/** Validates the grid axes and returns their values with defaults filled in. */
function validatedAxes(experiment: Experiment): { path: GridPath; values: unknown[] }[] {
  return experiment.grid.map((axis, axisIndex) => {
    if (!(GRID_PATHS as readonly string[]).includes(axis.path)) {
      throw new ConfigError(
        experiment.file,
        formatJsonPath(["grid", axis.path]),
        `unknown key ${JSON.stringify(axis.path)}; allowed: ${[...GRID_PATHS].sort().join(", ")}` +
          didYouMeanHint(axis.path, GRID_PATHS),
      );
    }
    if (!Array.isArray(axis.values) || axis.values.length === 0) {
      throw new ConfigError(
        experiment.file,
        formatJsonPath(["grid", axis.path]),
        `expected a non-empty array of values (axis ${axisIndex + 1})`,
      );
    }
    const schema = gridValueSchema(axis.path);
    const values = axis.values.map((value, valueIndex) => {
      const result = schema.safeParse(value, { error: describeExpectation });
      if (!result.success) {
        throw configErrorFromIssues(
          result.error.issues,
          value,
          experiment.file,
          (segments) => formatJsonPath(["grid", axis.path, valueIndex, ...segments]),
        );
      }
      return result.data;
    });
    return { path: axis.path, values };
  });
}

/** Every combination of the axes' values, the last axis varying fastest. */
function combinations(
  axes: { path: GridPath; values: unknown[] }[],
): { path: GridPath; value: unknown }[][] {
  let result: { path: GridPath; value: unknown }[][] = [[]];
  for (const axis of axes) {
    result = result.flatMap((prefix) =>
      axis.values.map((value) => [...prefix, { path: axis.path, value }])
    );
  }
  return result;
}

/**
 * All runs of an experiment, in a fixed order: methods (file order), then
 * sparsities (file order; `dense` and other sparsity-free methods get the
 * single sparsity 0), then seeds, then grid combinations (axes in the order
 * of `GRID_PATHS`, the last varying fastest).
 *
 * Grid values are validated like the rest of the file, and each run is
 * checked against the epoch budget of its own `training.epochs`.
 *
 * @throws ConfigError for an unknown grid path, an invalid grid value or a
 * method that does not fit a run's epoch budget
 */
export function expandExperiment(experiment: Experiment): RunSpec[] {
  const axes = validatedAxes(experiment);
  const base: GridSettings = {
    dataset: experiment.dataset,
    model: experiment.model,
    training: experiment.training,
    backend: experiment.backend,
    engine: experiment.engine,
  };
  const gridSettings = combinations(axes).map((combination) =>
    combination.reduce((settings, { path, value }) => withGridValue(settings, path, value), base)
  );
  const specs: RunSpec[] = [];
  experiment.methods.forEach((method, methodIndex) => {
    const ignoresSparsity = isMethodName(method.name) &&
      methodDefinition(method.name).ignoresSparsity === true;
    const sparsities = ignoresSparsity ? [0] : experiment.sparsities;
    const requirement = epochRequirement(method);
    const allocation = methodAllocation(method.allocation);
    for (const settings of gridSettings) {
      if (requirement !== null && requirement.minimumEpochs > settings.training.epochs) {
        throw new ConfigError(
          experiment.file,
          formatJsonPath(["methods", methodIndex, requirement.parameter]),
          `expected ${requirement.expression} ${requirement.comparison} training.epochs (${settings.training.epochs}), found ${requirement.found}`,
        );
      }
      const problem = allocation === null
        ? null
        : allocationProblem(settings.model, allocation, Math.max(...sparsities));
      if (problem !== null) {
        throw new ConfigError(
          experiment.file,
          formatJsonPath(["methods", methodIndex, "allocation"]),
          `${problem} (model ${JSON.stringify(settings.model)} of the grid)`,
        );
      }
    }
    for (const sparsity of sparsities) {
      for (const seed of experiment.seeds) {
        for (const settings of gridSettings) {
          const spec: RunSpec = {
            experiment: experiment.name,
            dataset: settings.dataset,
            model: structuredClone(settings.model),
            training: { ...settings.training },
            method: structuredClone(method),
            sparsity,
            seed,
            backend: settings.backend,
            engine: settings.engine,
          };
          // A study computed under revision 1 pins it, so its runs keep their ids.
          const engineRevision = experiment.engineRule === 1 ? undefined : engineRevisionFor(spec);
          if (engineRevision !== undefined) spec.engineRevision = engineRevision;
          specs.push(spec);
        }
      }
    }
  });
  return specs;
}
