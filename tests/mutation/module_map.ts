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
  ],
  "src/pruning/dense.ts": ["tests/pruning/dense*_test.ts"],
  "src/pruning/dissipating.ts": [
    "tests/pruning/dissipating*_test.ts",
    "tests/pruning/kstarts_dissipating*_test.ts",
  ],
  "src/pruning/grasp.ts": ["tests/pruning/grasp*_test.ts"],
  "src/pruning/imp.ts": ["tests/pruning/imp*_test.ts"],
  "src/pruning/kstarts.ts": ["tests/pruning/kstarts*_test.ts"],
  "src/pruning/kstarts_dissipating.ts": ["tests/pruning/kstarts_dissipating*_test.ts"],
  "src/pruning/magnitude.ts": [
    "tests/pruning/magnitude*_test.ts",
    "tests/pruning/imp*_test.ts",
    "tests/pruning/synflow*_test.ts",
  ],
  "src/pruning/method.ts": ["tests/pruning/"],
  "src/pruning/random.ts": [
    "tests/pruning/random*_test.ts",
    "tests/pruning/sanity_checks*_test.ts",
  ],
  "src/pruning/registry.ts": ["tests/pruning/"],
  "src/pruning/sanity_checks.ts": ["tests/pruning/sanity_checks*_test.ts"],
  "src/pruning/scoring.ts": [
    "tests/pruning/scoring*_test.ts",
    "tests/pruning/snip*_test.ts",
    "tests/pruning/grasp*_test.ts",
    "tests/pruning/synflow*_test.ts",
  ],
  "src/pruning/snip.ts": ["tests/pruning/snip*_test.ts"],
  "src/pruning/synflow.ts": ["tests/pruning/synflow*_test.ts"],

  "src/nn/backend.ts": ["tests/nn/"],
  "src/nn/models.ts": ["tests/nn/models*_test.ts", "tests/nn/determinism*_test.ts"],
  "src/nn/network.ts": ["tests/nn/"],
  "src/nn/optimizers.ts": ["tests/nn/optimizers*_test.ts", "tests/nn/gradients*_test.ts"],
  "src/nn/train.ts": ["tests/nn/"],

  "src/report/claims.ts": ["tests/report/claims*_test.ts"],
  "src/report/statistics.ts": [
    "tests/report/statistics*_test.ts",
    "tests/report/claims*_test.ts",
  ],

  "src/runner/store.ts": ["tests/runner/store*_test.ts", "tests/runner/sweep*_test.ts"],
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
 * The test entries for a module: its entry in {@link MODULE_TESTS}, or else
 * the folder of `tests/` that mirrors the module's folder in `src/` (a module
 * added after this map was written is still tested, by everything beside it).
 */
export function testsForModule(module: string): readonly string[] {
  const mapped = MODULE_TESTS[module];
  if (mapped) return mapped;
  const folder = module.replace(/^src\//, "tests/").replace(/[^/]+$/, "");
  return [folder];
}
