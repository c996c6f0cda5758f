/**
 * Shards: `I/N` parsing, a hand-worked longest-first partition, every run in
 * exactly one shard whatever the order of the runs, balance on the real
 * study, and `run --shard` computing only its part (the report written once
 * all shards are stored equals a single sweep's).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runId } from "../../src/config/run_id.ts";
import type { RunSpec } from "../../src/config/types.ts";
import { estimatedRunSeconds } from "../../src/runner/cost_estimate.ts";
import { parseShard, planShards, shardRuns } from "../../src/runner/shard.ts";
import { prepareStudy, reproductionFiles } from "../../src/runner/study.ts";
import { readTree, runCli } from "../cli/cli.ts";
import { listDirectory, REPO_ROOT, SMOKE_FILE, specsOf, tinyExperiment } from "./fixtures.ts";

Deno.test("shard: I/N parses for 1 <= I <= N; anything else is a usage error", () => {
  assert.deepEqual(parseShard("2/3"), { index: 2, count: 3 });
  assert.deepEqual(parseShard("1/1"), { index: 1, count: 1 });
  assert.deepEqual(parseShard("12/40"), { index: 12, count: 40 });
  for (const text of ["0/3", "4/3", "1/0", "-1/2", "1.5/2", "a/b", "3", "1/2/3", "", " /2"]) {
    assert.throws(() => parseShard(text), (error: Error & { exitCode?: number }) => {
      assert.equal(error.exitCode, 2, text);
      assert.ok(error.message.includes(JSON.stringify(text)), error.message);
      return true;
    });
  }
});

/** Runs of the same settings but for their epoch budgets (and seeds, so each is its own run). */
function runsOfEpochs(epochs: number[]): RunSpec[] {
  const [base] = specsOf(tinyExperiment({ seeds: [1], sparsities: [0.5] }));
  return epochs.map((budget, index) => ({
    ...base,
    seed: 100 + index,
    training: { ...base.training, epochs: budget },
  }));
}

Deno.test("shard: longest first, each run to the lightest shard so far (hand-worked)", () => {
  // A run of e epochs costs e * (epoch + evaluation) + one evaluation: the order of the epochs.
  const runs = runsOfEpochs([3, 7, 1, 5, 2, 4]);
  const byEpochs = (shard: RunSpec[]) => shard.map((spec) => spec.training.epochs);
  // Two shards: 7 -> A; 5 -> B; 4 -> B (5 < 7); 3 -> A (7 < 9); 2 -> B (9 < 10); 1 -> A (10 < 11).
  assert.deepEqual(planShards(runs, 2).shards.map(byEpochs), [[7, 3, 1], [5, 4, 2]]);
  // Three shards: 7, 5, 4 one each; 3 -> C (4); 2 -> B (5 < 7, 7); 1 -> A (7 < 7 + ...).
  assert.deepEqual(planShards(runs, 3).shards.map(byEpochs), [[7, 1], [5, 2], [4, 3]]);
  // One shard holds everything, longest first; more shards than runs leave some empty.
  assert.deepEqual(planShards(runs, 1).shards.map(byEpochs), [[7, 5, 4, 3, 2, 1]]);
  assert.deepEqual(
    planShards(runs, 8).shards.map(byEpochs),
    [[7], [5], [4], [3], [2], [1], [], []],
  );
  const plan = planShards(runs, 2);
  const seconds = (epochs: number[]) =>
    epochs.reduce((sum, budget) => sum + estimatedRunSeconds(runsOfEpochs([budget])[0]), 0);
  assert.ok(Math.abs(plan.seconds[0] - seconds([7, 3, 1])) < 1e-9);
  assert.ok(Math.abs(plan.seconds[1] - seconds([5, 4, 2])) < 1e-9);
  assert.deepEqual(shardRuns(runs, { index: 2, count: 2 }), plan.shards[1]);
});

/** A deterministic shuffle (a fixed permutation: reverse, then interleave halves). */
function reordered<T>(items: readonly T[]): T[] {
  const reversed = [...items].reverse();
  const half = Math.ceil(reversed.length / 2);
  const result: T[] = [];
  for (let index = 0; index < half; index++) {
    result.push(reversed[index]);
    if (index + half < reversed.length) result.push(reversed[index + half]);
  }
  return result;
}

Deno.test("shard: the real study's runs are each in exactly one shard, the same whatever their order, and balanced", async () => {
  const files = await reproductionFiles(join(REPO_ROOT, "experiments"));
  const { specs } = await prepareStudy(files, "quick", undefined, false);
  const ids = new Set(specs.map(runId));
  // The paper and baseline studies share runs: the shards hold each once.
  assert.ok(ids.size < specs.length, "expected runs shared between experiments");
  for (const count of [1, 2, 3, 5, 8, 13]) {
    const plan = planShards(specs, count);
    const placed = plan.shards.flat().map(runId);
    assert.equal(placed.length, ids.size, `${count} shards`);
    assert.deepEqual(new Set(placed), ids, `${count} shards`);
    // Another order (and the other experiment's copy of a shared run) gives the same shards.
    const again = planShards(reordered(specs), count);
    assert.deepEqual(
      again.shards.map((shard) => shard.map(runId)),
      plan.shards.map((shard) => shard.map(runId)),
    );
    // Greedy to the lightest shard: no two shards differ by more than the longest run.
    const longest = Math.max(...specs.map(estimatedRunSeconds));
    assert.ok(
      Math.max(...plan.seconds) - Math.min(...plan.seconds) <= longest + 1e-9,
      `${count} shards: ${plan.seconds.join(", ")}`,
    );
  }
});

Deno.test("shard: `run --shard` computes its part and no report; all parts then report as one sweep", async () => {
  const root = await Deno.makeTempDir();
  try {
    const reference = join(root, "reference");
    const single = await runCli(["run", SMOKE_FILE, "--out", reference, "--quiet"]);
    assert.equal(single.code, 0, single.stderr);

    const outDir = join(root, "sharded");
    const counts: number[] = [];
    for (const shard of ["1/3", "2/3", "3/3"]) {
      const part = await runCli(["run", SMOKE_FILE, "--out", outDir, "--quiet", "--shard", shard]);
      assert.equal(part.code, 0, part.stderr);
      const match = new RegExp(
        `^shard ${shard}: (\\d+) runs: (\\d+) computed, 0 already stored`,
        "m",
      )
        .exec(part.stdout);
      assert.ok(match !== null, part.stdout);
      assert.equal(match[1], match[2]);
      counts.push(Number(match[1]));
      assert.deepEqual(
        (await listDirectory(outDir)).filter((name) => name !== "runs"),
        [],
        `shard ${shard} wrote a report`,
      );
    }
    // 16 runs in 3 shards; each shard's runs were stored by it alone.
    assert.equal(counts.reduce((sum, count) => sum + count, 0), 16);
    assert.ok(counts.every((count) => count >= 4), counts.join(", "));
    assert.equal((await listDirectory(join(outDir, "runs"))).length, 16);

    const report = await runCli(["report", SMOKE_FILE, "--out", outDir]);
    assert.equal(report.code, 0, report.stderr);
    const tables = (tree: Map<string, Uint8Array>) =>
      new Map([...tree].filter(([path]) => path.startsWith("tables/")));
    const expected = tables(await readTree(reference));
    assert.ok(expected.size > 0);
    assert.deepEqual(tables(await readTree(outDir)), expected);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("shard: a malformed --shard is a usage error that writes nothing", async () => {
  const root = await Deno.makeTempDir();
  try {
    const outDir = join(root, "out");
    const outcome = await runCli(["run", SMOKE_FILE, "--out", outDir, "--shard", "4/3"]);
    assert.equal(outcome.code, 2);
    assert.match(outcome.stderr, /^error: run: --shard must be I\/N with 1 <= I <= N .*"4\/3"/);
    assert.deepEqual(await listDirectory(root), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
