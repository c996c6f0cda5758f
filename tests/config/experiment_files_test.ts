/**
 * The committed experiment files: each parses under every profile it
 * declares, and the standard profile keeps the promises of docs/methods.md
 * (full MNIST and Fashion-MNIST for every file the claims and controls read,
 * at least 20 epochs, the five sparsities, 8 seeds for the paper's classifier
 * methods, at least 5 for the other primary comparisons and at least 3 for
 * the sensitivity checks and controls, within 12 core-hours by the project's
 * own estimate).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { expandExperiment } from "../../src/config/grid.ts";
import { loadExperimentFile } from "../../src/config/parse_experiment.ts";
import { isClaimsFileName } from "../../src/config/parse_claims.ts";
import { runId } from "../../src/config/run_id.ts";
import type { RunSpec } from "../../src/config/types.ts";
import { estimatedRunSeconds } from "../../src/runner/cost_estimate.ts";

const EXPERIMENTS = fileURLToPath(new URL("../../experiments/", import.meta.url));

async function experimentFiles(directory = EXPERIMENTS): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(directory)) {
    const path = `${directory}${entry.name}`;
    if (entry.isDirectory) files.push(...await experimentFiles(`${path}/`));
    else if (
      entry.name.endsWith(".json") && entry.name !== "schema.json" &&
      !isClaimsFileName(entry.name)
    ) files.push(path);
  }
  return files.sort();
}

Deno.test("every experiment file parses and expands as written and under each of its profiles", async () => {
  const files = await experimentFiles();
  assert.ok(files.length >= 9, `${files.length} files`);
  for (const file of files) {
    expandExperiment(await loadExperimentFile(file));
    const profiles = JSON.parse(await Deno.readTextFile(file)).profiles ?? {};
    for (const profile of Object.keys(profiles)) {
      assert.ok(expandExperiment(await loadExperimentFile(file, { profile })).length > 0);
    }
  }
});

/** The files of the primary comparisons, which keep 5+ seeds; the other files may run 3. */
const PRIMARY_FILES = ["paper/mlp.json", "paper/autoencoder.json", "baselines/mlp.json"];

/**
 * The files run on both datasets: the claims' cells, the baselines and the
 * classifier's controls. The sensitivity checks, the autoencoder's controls and
 * the ablations run on Fashion-MNIST only (docs/methods.md, the budget).
 */
const BOTH_DATASET_FILES = [
  ...PRIMARY_FILES,
  "baselines/autoencoder.json",
  "paper/controls-mlp.json",
  "paper/literal-dissipation-mlp.json",
];

/** Files that follow a published recipe on the published figures' dataset alone. */
const PUBLISHED_DATASET_FILES: Readonly<Record<string, string[]>> = {
  "baselines/published-recipe-mlp.json": ["mnist"],
};

Deno.test("the standard profile: both datasets, 20+ epochs, five sparsities, 8 seeds for the paper's classifier methods, 5+ (3+ in checks), at most 12 core-hours", async () => {
  const files = [
    ...(await experimentFiles(`${EXPERIMENTS}paper/`)),
    ...(await experimentFiles(`${EXPERIMENTS}baselines/`)),
  ];
  const runs = new Map<string, RunSpec>();
  const kinds = new Set<string>();
  for (const file of files) {
    const experiment = await loadExperimentFile(file, { profile: "standard" });
    assert.equal(experiment.profile, "standard", file);
    assert.ok(experiment.training.epochs >= 20, file);
    const primary = PRIMARY_FILES.some((name) => file.endsWith(name));
    assert.ok(experiment.seeds.length >= (primary ? 5 : 3), file);
    if (file.endsWith("paper/mlp.json")) assert.equal(experiment.seeds.length, 8, file);
    kinds.add(experiment.model.kind);
    const specs = expandExperiment(experiment);
    const datasets = [...new Set(specs.map((spec) => spec.dataset))].sort();
    const both = BOTH_DATASET_FILES.some((name) => file.endsWith(name));
    const published = Object.entries(PUBLISHED_DATASET_FILES)
      .find(([name]) => file.endsWith(name))?.[1];
    assert.deepEqual(
      datasets,
      published ?? (both ? ["fashion-mnist", "mnist"] : ["fashion-mnist"]),
      file,
    );
    for (const spec of specs) runs.set(runId(spec), spec);
  }
  assert.deepEqual([...kinds].sort(), ["autoencoder", "mlp"]);
  const sparsities = new Set([...runs.values()].map((spec) => spec.sparsity));
  for (const sparsity of [0.5, 0.8, 0.9, 0.95, 0.98]) assert.ok(sparsities.has(sparsity));
  const methods = new Set([...runs.values()].map((spec) => spec.method.name));
  for (
    const name of [
      "random",
      "kstarts",
      "dissipating",
      "kstarts+dissipating",
      "dense",
      "magnitude",
      "snip",
      "grasp",
      "synflow",
      "imp",
      "matched-random",
    ]
  ) assert.ok(methods.has(name), name);
  let seconds = 0;
  for (const spec of runs.values()) seconds += estimatedRunSeconds(spec);
  assert.ok(seconds / 3600 <= 12, `${(seconds / 3600).toFixed(2)} core-hours`);
});
