import assert from "node:assert/strict";
import { join } from "node:path";
import { runId } from "../../src/config/run_id.ts";
import type { RunResult, RunSpec } from "../../src/config/types.ts";
import { ResultStore } from "../../src/runner/store.ts";
import { RunFailure, runSweep } from "../../src/runner/sweep.ts";
import {
  listDirectory,
  readStoredResults,
  specsOf,
  tinyExperiment,
  withoutWallTime,
} from "./fixtures.ts";

/** Four one-epoch runs: random pruning at two sparsities and two seeds. */
const SPECS = specsOf(tinyExperiment());

async function withTempDir(body: (directory: string) => Promise<void>): Promise<void> {
  const directory = await Deno.makeTempDir();
  try {
    await body(directory);
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
}

Deno.test("sweep: computes every run once; a second sweep skips them; force recomputes", async () => {
  await withTempDir(async (root) => {
    const store = new ResultStore(root);
    // A duplicated spec is one run.
    const first = await runSweep([...SPECS, SPECS[0]], store, { workers: 2, quiet: true });
    assert.deepEqual(first, {
      total: 4,
      skipped: 0,
      computed: 4,
      awaited: 0,
      diverged: 0,
      interrupted: false,
    });
    const expectedFiles = SPECS.map((spec) => `${runId(spec)}.json`).sort();
    assert.deepEqual(await listDirectory(root), expectedFiles);
    for (const spec of SPECS) {
      const result = await store.read(spec);
      assert.equal(result?.status, "completed");
      assert.deepEqual(result?.spec, spec);
    }
    const modified = new Map<string, number>();
    for (const name of expectedFiles) {
      modified.set(name, (await Deno.stat(`${root}/${name}`)).mtime!.getTime());
    }

    const second = await runSweep(SPECS, store, { workers: 2, quiet: true });
    assert.equal(second.skipped, 4);
    assert.equal(second.computed, 0);
    assert.equal(second.interrupted, false);
    for (const name of expectedFiles) {
      assert.equal((await Deno.stat(`${root}/${name}`)).mtime!.getTime(), modified.get(name));
    }

    const forced = await runSweep(SPECS.slice(0, 2), store, {
      workers: 1,
      quiet: true,
      force: true,
    });
    assert.equal(forced.total, 2);
    assert.equal(forced.skipped, 0);
    assert.equal(forced.computed, 2);
    assert.deepEqual(await listDirectory(root), expectedFiles);
  });
});

Deno.test("sweep: one worker and two workers store identical results apart from wall time", async () => {
  await withTempDir(async (root) => {
    await runSweep(SPECS, new ResultStore(`${root}/one`), { workers: 1, quiet: true });
    await runSweep(SPECS, new ResultStore(`${root}/two`), { workers: 2, quiet: true });
    const one = await readStoredResults(`${root}/one`);
    const two = await readStoredResults(`${root}/two`);
    assert.equal(one.size, 4);
    assert.deepEqual([...one.keys()], [...two.keys()]);
    for (const [name, result] of one) {
      assert.deepEqual(withoutWallTime(two.get(name)!), withoutWallTime(result), name);
    }
    // The runs really differ from each other (the comparison above is not vacuous).
    const metrics = new Set([...one.values()].map((result) => result.primaryMetric.value));
    assert.ok(metrics.size > 1);
  });
});

/** A store that aborts the sweep once `stopAfter` results are written. */
class StoreThatStopsTheSweep extends ResultStore {
  readonly controller = new AbortController();
  #written = 0;
  constructor(root: string, private readonly stopAfter: number) {
    super(root);
  }
  override async write(result: RunResult): Promise<void> {
    await super.write(result);
    if (++this.#written === this.stopAfter) this.controller.abort();
  }
}

Deno.test("sweep: aborting stops it, keeps finished runs, and a re-run completes the rest", async () => {
  await withTempDir(async (root) => {
    const specs = specsOf(tinyExperiment({ seeds: [1, 2, 3, 4] }));
    assert.equal(specs.length, 8);
    const store = new StoreThatStopsTheSweep(root, 2);
    const stopped = await runSweep(specs, store, {
      workers: 2,
      quiet: true,
      signal: store.controller.signal,
    });
    assert.equal(stopped.interrupted, true);
    assert.ok(stopped.computed >= 2 && stopped.computed < 8, `computed ${stopped.computed}`);
    // Exactly the finished runs are stored, complete, and no claim is left behind.
    const kept = await listDirectory(root);
    assert.equal(kept.length, stopped.computed);
    assert.ok(kept.every((name) => name.endsWith(".json")), kept.join(", "));
    const finished = await readStoredResults(root);

    const resumed = await runSweep(specs, new ResultStore(root), { workers: 2, quiet: true });
    assert.equal(resumed.interrupted, false);
    assert.equal(resumed.skipped, stopped.computed);
    assert.equal(resumed.computed, 8 - stopped.computed);
    const all = await readStoredResults(root);
    assert.equal(all.size, 8);
    for (const [name, result] of finished) assert.deepEqual(all.get(name), result);
  });
});

Deno.test("sweep: a signal aborted before the sweep starts computes nothing", async () => {
  await withTempDir(async (root) => {
    const controller = new AbortController();
    controller.abort();
    const summary = await runSweep(SPECS, new ResultStore(root), {
      workers: 1,
      quiet: true,
      signal: controller.signal,
    });
    assert.equal(summary.interrupted, true);
    assert.equal(summary.computed, 0);
    assert.deepEqual(await listDirectory(root), []);
  });
});

Deno.test("sweep: a run that fails rejects with a RunFailure naming it and stores nothing for it", async () => {
  await withTempDir(async (root) => {
    const broken: RunSpec = {
      ...SPECS[0],
      method: { name: "no-such-method", label: "broken" },
    };
    await assert.rejects(
      runSweep([broken], new ResultStore(root), { workers: 1, quiet: true }),
      (error: unknown) => {
        assert.ok(error instanceof RunFailure);
        assert.equal(error.exitCode, 1);
        assert.match(error.message, /^tiny\/broken s=0\.5 seed=1: /);
        return true;
      },
    );
    // Neither a result nor a stale claim remains.
    assert.deepEqual(await listDirectory(root), []);
  });
});

Deno.test("sweep: the lease of a run's claim is refreshed while the run computes", async () => {
  await withTempDir(async (root) => {
    // A lease of 0.4 s, refreshed every 0.1 s, and a run that takes several tenths of a second.
    const store = new ResultStore(root, { leaseSeconds: 0.4 });
    const [spec] = specsOf({
      ...tinyExperiment({ seeds: [1], sparsities: [0.5] }),
      model: { kind: "mlp", hidden: [256] },
      training: { optimizer: "adam", learningRate: 0.003, batchSize: 16, epochs: 3 },
    });
    const claim = `${root}/${runId(spec)}.claim`;
    const sweep = runSweep([spec], store, { workers: 1, quiet: true });
    let done = false;
    sweep.finally(() => done = true).catch(() => {});
    const seen = new Set<number>();
    while (!done) {
      const modified = await Deno.stat(claim).then((info) => info.mtime!.getTime(), () => null);
      if (modified !== null) seen.add(modified);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal((await sweep).computed, 1);
    // Created, then refreshed at least once: two or more modification times.
    assert.ok(seen.size >= 2, `claim modification times seen: ${[...seen].join(", ")}`);
  });
});

Deno.test("sweep: stopped, a checkpointed run finishes its epoch, checkpoints and resumes bit for bit", async () => {
  await withTempDir(async (root) => {
    // Epochs of a few tenths of a second, against a checkpoint written in milliseconds.
    const [spec] = specsOf({
      ...tinyExperiment({ seeds: [3], sparsities: [0.5] }),
      model: { kind: "mlp", hidden: [256] },
      training: { optimizer: "adam", learningRate: 0.003, batchSize: 8, epochs: 8 },
    });
    const reference = await runSweep([spec], new ResultStore(join(root, "reference")), {
      workers: 1,
      quiet: true,
      checkpoint: true,
    });
    assert.equal(reference.computed, 1);

    const store = new ResultStore(join(root, "stopped"));
    const checkpoint = store.checkpointPath(spec);
    const controller = new AbortController();
    const sweep = runSweep([spec], store, {
      workers: 1,
      quiet: true,
      checkpoint: true,
      signal: controller.signal,
    });
    const modified = () => Deno.stat(checkpoint).then((info) => info.mtime!.getTime(), () => null);
    while ((await modified()) === null) await new Promise((resolve) => setTimeout(resolve, 10));
    const stoppedAt = Date.now();
    controller.abort();
    const summary = await sweep;
    assert.equal(summary.interrupted, true);
    assert.equal(summary.computed, 0);
    // Written after the stop was asked for: the epoch under way was finished and checkpointed
    // (a worker ended at once would have left the checkpoint of the epoch before).
    const written = (await modified())!;
    assert.ok(written >= stoppedAt, `checkpoint written ${stoppedAt - written} ms before the stop`);
    assert.deepEqual(await listDirectory(store.root), [`${runId(spec)}.checkpoint`]);

    const resumed = await runSweep([spec], store, { workers: 1, quiet: true, checkpoint: true });
    assert.equal(resumed.computed, 1);
    assert.deepEqual(
      withoutWallTime((await store.read(spec))!),
      withoutWallTime((await new ResultStore(join(root, "reference")).read(spec))!),
    );
  });
});
