/**
 * Which test files guard which source module: a mutant of a module is run
 * against only these, so that one module's pass takes minutes, not the whole
 * suite's time per mutant.
 *
 * An entry is a file, a folder (every `*_test.ts` in it) or a pattern with `*`
 * in its last path segment (`tests/report/claims*_test.ts`), so that a test
 * file added beside the others is picked up without editing this map.
 *
 * @module
 */

/** Test entries per source module, relative to the repository root. */
export const MODULE_TESTS: Readonly<Record<string, readonly string[]>> = {
  "src/pruning/allocation.ts": [
    "tests/pruning/allocation*_test.ts",
    "tests/pruning/magnitude*_test.ts",
    "tests/pruning/random*_test.ts",
    "tests/pruning/synflow*_test.ts",
    "tests/pruning/dissipating*_test.ts",
    "tests/pruning/tensor_leaks_test.ts",
  ],
  "src/pruning/dense.ts": ["tests/pruning/dense*_test.ts", "tests/pruning/tensor_leaks_test.ts"],
  "src/pruning/dissipating.ts": [
    "tests/pruning/dissipating*_test.ts",
    "tests/pruning/kstarts_dissipating*_test.ts",
    "tests/pruning/tensor_leaks_test.ts",
  ],
  "src/pruning/disconnected_units.ts": [
    "tests/pruning/disconnected_units*_test.ts",
    "tests/runner/disconnected_units*_test.ts",
  ],
  "src/pruning/grasp.ts": ["tests/pruning/grasp*_test.ts", "tests/pruning/tensor_leaks_test.ts"],
  "src/pruning/imp.ts": [
    "tests/pruning/imp*_test.ts",
    "tests/pruning/parameter_checks_test.ts",
    "tests/pruning/tensor_leaks_test.ts",
  ],
  "src/pruning/kstarts.ts": [
    "tests/pruning/kstarts*_test.ts",
    "tests/pruning/tensor_leaks_test.ts",
  ],
  "src/pruning/kstarts_dissipating.ts": [
    "tests/pruning/kstarts_dissipating*_test.ts",
    "tests/pruning/tensor_leaks_test.ts",
  ],
  "src/pruning/magnitude.ts": [
    "tests/pruning/magnitude*_test.ts",
    "tests/pruning/imp*_test.ts",
    "tests/pruning/synflow*_test.ts",
    "tests/pruning/tensor_leaks_test.ts",
  ],
  "src/pruning/method.ts": ["tests/pruning/"],
  "src/pruning/random.ts": [
    "tests/pruning/random*_test.ts",
    "tests/pruning/sanity_checks*_test.ts",
    "tests/pruning/tensor_leaks_test.ts",
  ],
  "src/pruning/registry.ts": ["tests/pruning/"],
  "src/pruning/sanity_checks.ts": [
    "tests/pruning/sanity_checks*_test.ts",
    "tests/pruning/tensor_leaks_test.ts",
  ],
  "src/pruning/scoring.ts": [
    "tests/pruning/scoring*_test.ts",
    "tests/pruning/parameter_checks_test.ts",
    "tests/pruning/snip*_test.ts",
    "tests/pruning/grasp*_test.ts",
    "tests/pruning/synflow*_test.ts",
    "tests/pruning/tensor_leaks_test.ts",
  ],
  "src/pruning/snip.ts": ["tests/pruning/snip*_test.ts", "tests/pruning/tensor_leaks_test.ts"],
  "src/pruning/synflow.ts": [
    "tests/pruning/synflow*_test.ts",
    "tests/pruning/tensor_leaks_test.ts",
  ],

  "src/nn/backend.ts": ["tests/nn/"],
  "src/nn/models.ts": [
    "tests/nn/models*_test.ts",
    "tests/nn/bias_initialization_test.ts",
    "tests/nn/determinism*_test.ts",
  ],
  "src/nn/network.ts": ["tests/nn/"],
  "src/nn/optimizers.ts": ["tests/nn/optimizers*_test.ts", "tests/nn/gradients*_test.ts"],
  "src/nn/train.ts": ["tests/nn/"],
  "src/nn/engine_choice.ts": ["tests/nn/sparse*_test.ts", "tests/nn/determinism*_test.ts"],
  "src/nn/sparse_engine.ts": ["tests/nn/sparse*_test.ts", "tests/nn/gradients*_test.ts"],
  "src/nn/wasm/build_kernels.ts": ["tests/nn/kernel_build*_test.ts"],

  "src/report/claims.ts": ["tests/report/claims*_test.ts", "tests/report/forest_rows_test.ts"],
  "src/report/decision.ts": ["tests/report/decision_test.ts", "tests/report/claims*_test.ts"],
  "src/config/parse_claims.ts": ["tests/config/claims_file_test.ts"],
  "src/report/disconnected_units.ts": ["tests/report/disconnected_units*_test.ts"],
  "src/report/statistics.ts": [
    "tests/report/statistics*_test.ts",
    "tests/report/claims*_test.ts",
  ],

  "src/runner/store.ts": [
    "tests/runner/store*_test.ts",
    "tests/runner/result_shape*_test.ts",
    "tests/runner/sweep*_test.ts",
  ],
  "src/runner/claim_file.ts": ["tests/runner/store*_test.ts", "tests/runner/sweep*_test.ts"],
  "src/runner/result_shape.ts": [
    "tests/runner/result_shape*_test.ts",
    "tests/runner/store*_test.ts",
  ],

  "src/config/consistency.ts": ["tests/config/", "tests/robustness/hostile_experiment_test.ts"],
  "src/config/did_you_mean.ts": ["tests/config/errors*_test.ts"],
  "src/config/epoch_budget.ts": ["tests/config/"],
  "src/config/errors.ts": ["tests/config/", "tests/robustness/hostile_experiment_test.ts"],
  "src/config/experiment_schema.ts": [
    "tests/config/",
    "tests/robustness/hostile_experiment_test.ts",
  ],
  "src/config/field_schemas.ts": ["tests/config/", "tests/robustness/hostile_experiment_test.ts"],
  "src/config/grid.ts": ["tests/config/"],
  "src/config/method_parameters.ts": ["tests/config/"],
  "src/config/parse_experiment.ts": [
    "tests/config/",
    "tests/robustness/hostile_experiment_test.ts",
  ],
  "src/config/profiles.ts": ["tests/config/"],
  "src/config/run_id.ts": ["tests/config/"],
  "src/config/zod_issues.ts": ["tests/config/", "tests/robustness/hostile_experiment_test.ts"],
};

/**
 * Source files the tool does not mutate, and why: a mutant there would be
 * "killed" or "survive" for reasons that say nothing about the tests.
 */
export const NOT_MUTATED: Readonly<Record<string, string>> = {
  "src/nn/wasm/sparse_kernels.ts":
    "AssemblyScript compiled into the committed sparse_kernels.wasm: the tests load the " +
    "committed build, and the only test reading the source is the check that the build is fresh",
};

/**
 * The test entries for a module: its entry in {@link MODULE_TESTS}, or else
 * the folder of `tests/` that mirrors the module's folder in `src/` (a module
 * added after this map was written is still tested, by everything beside it).
 */
export function testsForModule(module: string): readonly string[] {
  const mapped = MODULE_TESTS[module];
  if (mapped) return mapped;
  // The mirrored folder, or the nearest one above it that tests/ has.
  const folder = module.replace(/^src\//, "tests/").replace(/[^/]+$/, "");
  const segments = folder.split("/").filter((segment) => segment !== "");
  const candidates = segments.map((_, index) => segments.slice(0, segments.length - index))
    .map((parts) => `${parts.join("/")}/`);
  return [candidates.find((candidate) => existsFolder(candidate)) ?? folder];
}

/** Whether `path` (relative to the repository root) is an existing folder. */
function existsFolder(path: string): boolean {
  try {
    return Deno.statSync(new URL(`../../${path}`, import.meta.url)).isDirectory;
  } catch {
    return false;
  }
}
