/**
 * `verify`: comparing a stored with a recomputed result field by field (wall
 * time, versions and the asking experiment aside), drawing a seeded sample,
 * and the command end to end: genuine runs match, a tampered one is named
 * with exit 1, a missing store or dataset is exit 2.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runId } from "../../src/config/run_id.ts";
import { compareResults, sampleRuns } from "../../src/runner/verify.ts";
import { runCli } from "../cli/cli.ts";
import { fakeResult, SMOKE_FILE, specsOf, tinyExperiment } from "./fixtures.ts";

const SPECS = specsOf(tinyExperiment({ seeds: [1, 2, 3, 4], sparsities: [0.5, 0.8] }));

/** A result as the store writes it (JSON), for comparing. */
function storedForm(value = 0.75): Record<string, unknown> {
  return JSON.parse(JSON.stringify(fakeResult(SPECS[0], value)));
}

Deno.test("verify: equal results match; wall time, versions and the asking experiment are not compared", () => {
  assert.deepEqual(compareResults(storedForm(), fakeResult(SPECS[0])), []);
  const recomputed = fakeResult(SPECS[0]);
  recomputed.wallSeconds = 99;
  recomputed.versions = { tool: "other", deno: "9.9.9", tfjs: "0", backend: "cpu" };
  recomputed.spec = { ...recomputed.spec, experiment: "another-experiment" };
  assert.deepEqual(compareResults(storedForm(), recomputed), []);
  // NaN is stored as null: a diverged run recomputed as NaN matches its stored null.
  const stored = storedForm();
  (stored.metrics as Record<string, unknown>).testLoss = null;
  const diverged = fakeResult(SPECS[0]);
  diverged.metrics.testLoss = Number.NaN;
  assert.deepEqual(compareResults(stored, diverged), []);
});

Deno.test("verify: a difference in the last bit of a number is named by its path", () => {
  // 0.75 and the next double above it.
  const next = 0.75 + Number.EPSILON / 2;
  assert.notEqual(next, 0.75);
  const recomputed = fakeResult(SPECS[0]);
  recomputed.metrics.testAccuracy = next;
  assert.deepEqual(compareResults(storedForm(), recomputed), [
    { path: "$.metrics.testAccuracy", stored: "0.75", recomputed: JSON.stringify(next) },
  ]);
  // Nested in the curve, in the settings, and a field only one side has.
  const other = fakeResult(SPECS[0]);
  other.curve[0].trainLoss = 1.5;
  other.spec = { ...other.spec, seed: 7 };
  other.methodReport = { ...other.methodReport, extra: true };
  assert.deepEqual(compareResults(storedForm(), other).map((difference) => difference.path), [
    "$.curve[0].trainLoss",
    "$.methodReport.extra",
    "$.spec.seed",
  ]);
  // A longer curve: the extra point is a difference.
  const longer = fakeResult(SPECS[0]);
  longer.curve.push({ ...longer.curve[0], epoch: 2 });
  assert.deepEqual(compareResults(storedForm(), longer).map((difference) => difference.path), [
    "$.curve[1]",
  ]);
});

Deno.test("verify: disconnected units are compared when stored, and not missed when not", () => {
  const counted = () => {
    const result = fakeResult(SPECS[0]);
    result.sparsity.disconnectedUnits = [{ layer: "dense_0", units: 5, noInput: 2, noOutput: 1 }];
    return result;
  };
  // A run stored before the count was recorded (same run id) still verifies ...
  assert.deepEqual(compareResults(storedForm(), counted()), []);
  // ... on every field it holds.
  const other = counted();
  other.metrics.testLoss = 0.25;
  other.sparsity.perLayer[0].pruned = 4;
  assert.deepEqual(compareResults(storedForm(), other).map((difference) => difference.path), [
    "$.metrics.testLoss",
    "$.sparsity.perLayer[0].pruned",
  ]);
  // Stored with the count: compared like any other field, both ways.
  const stored = JSON.parse(JSON.stringify(counted()));
  assert.deepEqual(compareResults(stored, counted()), []);
  const changed = counted();
  changed.sparsity.disconnectedUnits![0].noInput = 3;
  assert.deepEqual(compareResults(stored, changed), [
    { path: "$.sparsity.disconnectedUnits[0].noInput", stored: "2", recomputed: "3" },
  ]);
  assert.deepEqual(
    compareResults(stored, fakeResult(SPECS[0])).map((difference) => difference.path),
    ["$.sparsity.disconnectedUnits"],
  );
  // Only the fields recorded later are let off: another field the stored result lacks is not.
  const extra = counted();
  (extra.sparsity as Record<string, unknown>).laterCount = 1;
  assert.deepEqual(compareResults(storedForm(), extra).map((difference) => difference.path), [
    "$.sparsity.laterCount",
  ]);
});

Deno.test("verify: the sample is seeded, without repeats, and at most the runs there are", () => {
  const first = sampleRuns(SPECS, 3, 1);
  assert.equal(first.length, 3);
  assert.equal(new Set(first.map(runId)).size, 3);
  assert.deepEqual(sampleRuns(SPECS, 3, 1), first);
  // Other seeds draw other samples (not all five the same).
  const samples = new Set(
    [1, 2, 3, 4, 5].map((seed) => sampleRuns(SPECS, 3, seed).map(runId).join(",")),
  );
  assert.ok(samples.size > 1);
  assert.equal(sampleRuns(SPECS, 20, 1).length, SPECS.length);
  assert.deepEqual(new Set(sampleRuns(SPECS, 20, 1).map(runId)), new Set(SPECS.map(runId)));
});

Deno.test("verify: genuine runs match, a tampered result is named with exit 1", async () => {
  const root = await Deno.makeTempDir();
  try {
    const outDir = join(root, "out");
    const run = await runCli(["run", SMOKE_FILE, "--out", outDir, "--quiet"]);
    assert.equal(run.code, 0, run.stderr);
    const genuine = await runCli(["verify", SMOKE_FILE, "--out", outDir, "--seed", "4"]);
    assert.equal(genuine.code, 0, genuine.stderr);
    assert.match(genuine.stdout, /^verifying 3 of 16 stored runs in .* \(seed 4\)$/m);
    const lines = genuine.stdout.split("\n").filter((line) => /^[0-9a-f]{16} /.test(line));
    assert.equal(lines.length, 3);
    for (const line of lines) {
      assert.match(line, /^[0-9a-f]{16} {2}smoke\/\S+ s=0\.\d+ seed=\d {2}match {2}\d+\.\d s$/);
    }

    // Change one stored accuracy by one test image (1/500 on the synthetic test split).
    const tamperedId = lines[1].slice(0, 16);
    const path = join(outDir, "runs", `${tamperedId}.json`);
    const stored = JSON.parse(await Deno.readTextFile(path));
    const forged = stored.metrics.testAccuracy + 1 / 500;
    stored.metrics.testAccuracy = forged;
    stored.primaryMetric.value = forged;
    await Deno.writeTextFile(path, JSON.stringify(stored, null, 1) + "\n");
    const caught = await runCli(["verify", SMOKE_FILE, "--out", outDir, "--seed", "4"]);
    assert.equal(caught.code, 1, caught.stdout + caught.stderr);
    assert.match(caught.stdout, new RegExp(`^${tamperedId}  .*  MISMATCH  `, "m"));
    assert.match(
      caught.stdout,
      /^ {2}\$\.metrics\.testAccuracy: stored [\d.]+, recomputed [\d.]+$/m,
    );
    assert.match(caught.stdout, /^ {2}\$\.primaryMetric\.value: stored /m);
    assert.equal(caught.stdout.match(/ {2}match {2}/g)?.length, 2);
    assert.equal(
      caught.stderr.trim(),
      `verify: 1 of 3 runs differ from their stored results: ${tamperedId}`,
    );

    // --run recomputes exactly the runs named, in that order; an id not stored is exit 2.
    const genuineId = lines[0].slice(0, 16);
    const named = await runCli([
      "verify",
      SMOKE_FILE,
      "--out",
      outDir,
      "--run",
      tamperedId,
      "--run",
      genuineId,
    ]);
    assert.equal(named.code, 1, named.stdout + named.stderr);
    assert.match(named.stdout, /^verifying 2 of 16 stored runs in .* \(named with --run\)$/m);
    assert.deepEqual(
      named.stdout.split("\n").filter((line) => /^[0-9a-f]{16} /.test(line)).map((line) =>
        line.slice(0, 16) + (line.includes("  MISMATCH  ") ? " MISMATCH" : " match")
      ),
      [`${tamperedId} MISMATCH`, `${genuineId} match`],
    );
    const absentId = "0123456789abcdef";
    const absent = await runCli(["verify", SMOKE_FILE, "--out", outDir, "--run", absentId]);
    assert.equal(absent.code, 2, absent.stdout + absent.stderr);
    assert.match(absent.stderr, new RegExp(`--run ${absentId}: not a stored run of this study`));
    assert.doesNotMatch(absent.stdout, /match/i);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("verify: a missing store, an empty one, a missing dataset and bad flags are exit 2", async () => {
  const root = await Deno.makeTempDir();
  try {
    const missing = await runCli(["verify", SMOKE_FILE, "--out", join(root, "nowhere")]);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /^error: verify: .*nowhere\/runs: no result store/);

    await Deno.mkdir(join(root, "empty", "runs"), { recursive: true });
    const empty = await runCli(["verify", SMOKE_FILE, "--out", join(root, "empty")]);
    assert.equal(empty.code, 2, empty.stderr);
    assert.match(empty.stderr, /holds no stored run of this study/);

    // A stored Fashion-MNIST run, and a data directory whose four files are damaged.
    const file = join(root, "fashion.json");
    const document = {
      ...tinyExperiment({ seeds: [1], sparsities: [0.5] }),
      dataset: "fashion-mnist",
    };
    await Deno.writeTextFile(file, JSON.stringify(document));
    const [spec] = specsOf(document);
    const store = join(root, "fashion", "runs");
    await Deno.mkdir(store, { recursive: true });
    await Deno.writeTextFile(
      join(store, `${runId(spec)}.json`),
      JSON.stringify(fakeResult(spec), null, 1) + "\n",
    );
    const dataDir = join(root, "data");
    await Deno.mkdir(dataDir);
    for (
      const name of [
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
      ]
    ) {
      await Deno.writeTextFile(join(dataDir, name), "not an IDX file");
    }
    const noData = await runCli([
      "verify",
      file,
      "--out",
      join(root, "fashion"),
      "--data-dir",
      dataDir,
    ]);
    assert.equal(noData.code, 2, noData.stdout + noData.stderr);
    assert.ok(noData.stderr.includes(dataDir), noData.stderr);
    assert.match(noData.stderr, /-idx[13]-ubyte/);
    assert.doesNotMatch(noData.stdout, /MISMATCH|match/);

    for (const flags of [["--sample", "0"], ["--seed=-1"], ["--seed", "x"], ["--run", "abc"]]) {
      const bad = await runCli(["verify", SMOKE_FILE, "--out", join(root, "empty"), ...flags]);
      assert.equal(bad.code, 2, flags.join(" "));
      assert.match(bad.stderr, new RegExp(`^error: verify: ${flags[0].split("=")[0]} must be`));
    }
    const both = await runCli([
      "verify",
      SMOKE_FILE,
      "--out",
      join(root, "empty"),
      "--run",
      "0123456789abcdef",
      "--sample",
      "2",
    ]);
    assert.equal(both.code, 2, both.stderr);
    assert.match(
      both.stderr,
      /--run names the runs; it cannot be combined with --sample or --seed/,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
