/**
 * The reproducibility guarantee: the same experiment file gives the same
 * tables, figures and report, byte for byte, from scratch; and the store
 * reuses every run whose settings did not change, whatever the file's layout.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runId } from "../../src/config/run_id.ts";
import { runStudy } from "../../src/runner/study.ts";
import { readTree, runCli } from "../cli/cli.ts";
import { listDirectory, SMOKE_FILE, specsOf } from "./fixtures.ts";

/**
 * The report files of an output directory, with the study's copies of its
 * files: everything but the store and the manifest (whose times differ).
 */
function reportFiles(tree: Map<string, Uint8Array>): Map<string, Uint8Array> {
  return new Map(
    [...tree].filter(([path]) => !path.startsWith("runs/") && path !== "manifest.json"),
  );
}

Deno.test("reproducibility: the smoke experiment run twice from scratch gives identical tables, figures and REPORT.md", async () => {
  const root = await Deno.makeTempDir();
  try {
    const first = join(root, "a");
    const firstRun = await runCli(["run", SMOKE_FILE, "--out", first, "--quiet"]);
    assert.equal(firstRun.code, 0, firstRun.stderr);
    const firstFiles = reportFiles(await readTree(first));
    assert.equal((await listDirectory(join(first, "runs"))).length, 16);
    // Delete everything, the stored runs included, so nothing can be reused.
    await Deno.remove(first, { recursive: true });

    const second = join(root, "b");
    const secondRun = await runCli(["run", SMOKE_FILE, "--out", second, "--quiet"]);
    assert.equal(secondRun.code, 0, secondRun.stderr);
    assert.match(secondRun.stdout, /16 runs: 16 computed, 0 already stored/);
    const secondFiles = reportFiles(await readTree(second));

    const paths = [...firstFiles.keys()];
    assert.ok(paths.includes("REPORT.md"));
    assert.ok(paths.includes("tables/smoke.csv"));
    assert.ok(paths.includes("figures/smoke-metric.svg"));
    assert.ok(paths.includes("study/smoke.json"), "the study's copy of its experiment file");
    for (const path of paths) {
      assert.match(
        path,
        /^(REPORT\.md|README_SUMMARY\.md|tables\/[^/]+\.(csv|tex)|figures\/[^/]+\.(svg|vl\.json)|study\/[^/]+\.json)$/,
      );
    }
    assert.deepEqual([...secondFiles.keys()], paths);
    for (const path of paths) {
      assert.ok(firstFiles.get(path)!.length > 0, `${path} is empty`);
      assert.deepEqual(secondFiles.get(path), firstFiles.get(path), `${path} differs`);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/** A small cut of the smoke experiment: two methods, one sparsity, two seeds (4 runs). */
const SMALL_SMOKE = {
  name: "small",
  dataset: "synthetic",
  model: { kind: "mlp", hidden: [32] },
  training: { optimizer: "adam", learningRate: 0.003, batchSize: 64, epochs: 2 },
  methods: [{ name: "random" }, { name: "kstarts", k: 2, selectionEpochs: 1 }],
  sparsities: [0.5],
  seeds: [1, 2],
  // Two epochs: K-starts' final mask trains one, below the default share of the rule.
  minimumFinalTraining: 0.5,
};

/** The same document with every object's keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).reverse().map(([key, item]) => [key, reverseKeys(item)]),
    );
  }
  return value;
}

Deno.test("reproducibility: run ids do not depend on key order, formatting, defaults written out or the experiment's name", async () => {
  const smokeText = await Deno.readTextFile(SMOKE_FILE);
  const smoke = JSON.parse(smokeText);
  delete smoke.$schema;
  const ids = (document: Record<string, unknown>) => specsOf(document).map(runId).sort();
  const original = ids(smoke);
  assert.equal(new Set(original).size, 16);
  assert.deepEqual(ids(reverseKeys(smoke) as Record<string, unknown>), original);
  const explicit = structuredClone(smoke);
  explicit.name = "renamed";
  explicit.methods = explicit.methods.map((method: { name: string }) => ({
    ...method,
    label: method.name,
  }));
  explicit.training.momentum = 0.9;
  explicit.backend = "wasm";
  assert.deepEqual(ids(explicit), original);
  // A changed setting does change them.
  const changed = structuredClone(smoke);
  changed.training.learningRate = 0.001;
  assert.equal(ids(changed).filter((id) => original.includes(id)).length, 0);
});

Deno.test("reproducibility: editing the file recomputes only the runs whose settings changed", async () => {
  const root = await Deno.makeTempDir();
  try {
    const file = join(root, "small.json");
    const out = join(root, "out");
    const study = async (document: unknown, text?: string) => {
      await Deno.writeTextFile(file, text ?? JSON.stringify(document, null, 2));
      const { sweep } = await runStudy({ files: [file], outDir: out, workers: 2, quiet: true });
      return sweep;
    };
    const first = await study(SMALL_SMOKE);
    assert.equal(first.total, 4);
    assert.equal(first.computed, 4);

    // Same settings, other layout: nothing to compute.
    const reformatted = await study(
      undefined,
      JSON.stringify(reverseKeys(SMALL_SMOKE), null, "\t").replaceAll(":", " :  ") + "\n\n",
    );
    assert.equal(reformatted.total, 4);
    assert.equal(reformatted.skipped, 4);
    assert.equal(reformatted.computed, 0);

    // One more seed: only its two runs are new.
    const moreSeeds = { ...SMALL_SMOKE, seeds: [1, 2, 3] };
    const added = await study(moreSeeds);
    assert.equal(added.total, 6);
    assert.equal(added.skipped, 4);
    assert.equal(added.computed, 2);

    // A parameter of one method: only that method's three runs are new.
    const otherK = {
      ...moreSeeds,
      methods: [{ name: "random" }, { name: "kstarts", k: 3, selectionEpochs: 1 }],
    };
    const changed = await study(otherK);
    assert.equal(changed.total, 6);
    assert.equal(changed.skipped, 3);
    assert.equal(changed.computed, 3);

    const stored = await listDirectory(join(out, "runs"));
    assert.equal(stored.length, 4 + 2 + 3);
    assert.ok(stored.every((name) => name.endsWith(".json")), stored.join(", "));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
