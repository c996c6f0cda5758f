import assert from "node:assert/strict";
import { join } from "node:path";
import { runId } from "../../src/config/run_id.ts";
import type { RunResult, RunSpec } from "../../src/config/types.ts";
import { writeFileAtomic } from "../../src/atomic_file.ts";
import { ResultStore } from "../../src/runner/store.ts";
import { listDirectory, specsOf, tinyExperiment } from "./fixtures.ts";

const [SPEC, OTHER_SPEC] = specsOf(tinyExperiment());

/** A plausible result of `spec` (the store does not care how it was computed). */
function fakeResult(spec: RunSpec, value = 0.75): RunResult {
  return {
    schemaVersion: 1,
    runId: runId(spec),
    spec,
    status: "completed",
    primaryMetric: { name: "testAccuracy", value, higherIsBetter: true },
    metrics: { testAccuracy: value, testLoss: 0.5 },
    sparsity: {
      target: spec.sparsity,
      achieved: spec.sparsity,
      perLayer: [{ layer: "dense_0", total: 10, pruned: 5, sparsity: 0.5 }],
      collapsedLayers: [],
    },
    cost: { pruningEpochs: 0, trainingEpochs: 1, totalEpochs: 1 },
    curve: [{ epoch: 1, phase: "training", trainLoss: 1.25, testMetric: value, sparsity: 0.5 }],
    methodReport: { note: "fake" },
    wallSeconds: 0.125,
    versions: { tool: "test", deno: Deno.version.deno, tfjs: "none", backend: "wasm" },
  };
}

function claimPath(store: ResultStore, spec: RunSpec): string {
  return join(store.root, `${runId(spec)}.claim`);
}

/** Starts a process that stays alive until killed; its pid stands for another sweep. */
function startLiveProcess(): Deno.ChildProcess {
  return new Deno.Command("sleep", { args: ["60"], stdout: "null", stderr: "null" }).spawn();
}

/** The pid of a process that has already exited. */
async function deadPid(): Promise<number> {
  const child = new Deno.Command("true", { stdout: "null", stderr: "null" }).spawn();
  await child.status;
  return child.pid;
}

Deno.test("store: a written result reads back equal; other runs read as absent", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new ResultStore(join(root, "runs"));
    assert.equal(await store.has(SPEC), false);
    assert.equal(await store.read(SPEC), undefined);
    const result = fakeResult(SPEC);
    await store.write(result);
    assert.equal(await store.has(SPEC), true);
    assert.deepEqual(await store.read(SPEC), result);
    assert.equal(store.resultPath(SPEC), join(root, "runs", `${runId(SPEC)}.json`));
    assert.equal(await store.has(OTHER_SPEC), false);
    assert.equal(await store.read(OTHER_SPEC), undefined);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("store: a run shared by two experiments reads back under the asking experiment", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new ResultStore(root);
    await store.write(fakeResult(SPEC));
    const asked = { ...SPEC, experiment: "another" };
    assert.equal(runId(asked), runId(SPEC));
    const read = await store.read(asked);
    assert.equal(read?.spec.experiment, "another");
    assert.equal(read?.primaryMetric.value, 0.75);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("store: writes are atomic and leave no temporary files", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new ResultStore(root);
    await store.write(fakeResult(SPEC, 0.5));
    await store.write(fakeResult(SPEC, 0.625)); // Overwrites in place.
    await store.write(fakeResult(OTHER_SPEC));
    assert.deepEqual(
      await listDirectory(root),
      [
        `${runId(OTHER_SPEC)}.json`,
        `${runId(SPEC)}.json`,
      ].sort(),
    );
    assert.equal((await store.read(SPEC))?.primaryMetric.value, 0.625);
    // The file is complete, parseable JSON ending in a newline.
    const text = await Deno.readTextFile(store.resultPath(SPEC));
    assert.ok(text.endsWith("}\n"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("writeFileAtomic: a failed write keeps the old target and removes its temporary", async () => {
  const root = await Deno.makeTempDir();
  try {
    const nested = join(root, "a", "b", "file.txt");
    await writeFileAtomic(nested, "first");
    await writeFileAtomic(nested, "second");
    assert.equal(await Deno.readTextFile(nested), "second");
    assert.deepEqual(await listDirectory(join(root, "a", "b")), ["file.txt"]);
    // Renaming a file over a non-empty directory fails: the temporary must not stay behind.
    const blocked = join(root, "blocked");
    await Deno.mkdir(join(blocked, "inside"), { recursive: true });
    await assert.rejects(writeFileAtomic(blocked, "text"));
    assert.deepEqual(await listDirectory(root), ["a", "blocked"]);
    assert.deepEqual(await listDirectory(blocked), ["inside"]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("store: a corrupt result file is an error naming the file", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new ResultStore(root);
    const path = store.resultPath(SPEC);
    await Deno.writeTextFile(path, '{"runId": "trunc');
    await assert.rejects(store.read(SPEC), (error: Error) => {
      assert.ok(error.message.includes(path), error.message);
      assert.match(error.message, /not valid JSON/);
      return true;
    });
    // A file holding another run's result is refused too, not silently used.
    await Deno.writeTextFile(path, JSON.stringify(fakeResult(OTHER_SPEC)));
    await assert.rejects(store.read(SPEC), (error: Error) => {
      assert.ok(error.message.includes(path), error.message);
      assert.ok(error.message.includes(runId(OTHER_SPEC)), error.message);
      return true;
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("store: a claim is exclusive to this process until released or written", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new ResultStore(join(root, "runs"));
    assert.equal(await store.claim(SPEC), true);
    assert.equal(await Deno.readTextFile(claimPath(store, SPEC)), `${Deno.pid}\n`);
    // Claiming again from the same process is allowed (it already owns the run).
    assert.equal(await store.claim(SPEC), true);
    await store.release(SPEC);
    assert.deepEqual(await listDirectory(store.root), []);
    // Writing the result releases the claim.
    assert.equal(await store.claim(SPEC), true);
    await store.write(fakeResult(SPEC));
    assert.deepEqual(await listDirectory(store.root), [`${runId(SPEC)}.json`]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("store: a claim held by a live process blocks; once it dies the claim is taken over", async () => {
  const root = await Deno.makeTempDir();
  const other = startLiveProcess();
  try {
    const store = new ResultStore(root);
    const path = claimPath(store, SPEC);
    await Deno.writeTextFile(path, `${other.pid}\n`);
    assert.equal(await store.claim(SPEC), false);
    // Releasing does not remove a claim this process does not hold.
    await store.release(SPEC);
    assert.equal(await Deno.readTextFile(path), `${other.pid}\n`);
    // Other runs are unaffected.
    assert.equal(await store.claim(OTHER_SPEC), true);
    other.kill("SIGKILL");
    await other.status;
    assert.equal(await store.claim(SPEC), true);
    assert.equal(await Deno.readTextFile(path), `${Deno.pid}\n`);
  } finally {
    try {
      other.kill("SIGKILL");
      await other.status;
    } catch {
      // Already ended by the test.
    }
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("store: a claim left by a dead process or unreadable is taken over", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new ResultStore(root);
    const path = claimPath(store, SPEC);
    await Deno.writeTextFile(path, `${await deadPid()}\n`);
    assert.equal(await store.claim(SPEC), true);
    assert.equal(await Deno.readTextFile(path), `${Deno.pid}\n`);
    await Deno.writeTextFile(path, "garbage\n");
    assert.equal(await store.claim(SPEC), true);
    assert.equal(await Deno.readTextFile(path), `${Deno.pid}\n`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("store: preparing removes the claims of dead processes, keeps live and unreadable ones", async () => {
  const root = await Deno.makeTempDir();
  const other = startLiveProcess();
  try {
    const store = new ResultStore(root);
    // A sweep killed after writing its result but before releasing the claim.
    await store.write(fakeResult(SPEC));
    await Deno.writeTextFile(claimPath(store, SPEC), `${await deadPid()}\n`);
    await Deno.writeTextFile(claimPath(store, OTHER_SPEC), `${other.pid}\n`);
    await Deno.writeTextFile(join(root, "0123456789abcdef.claim"), "");
    await store.prepare();
    assert.deepEqual(
      await listDirectory(root),
      [
        "0123456789abcdef.claim",
        `${runId(OTHER_SPEC)}.claim`,
        `${runId(SPEC)}.json`,
      ].sort(),
    );
  } finally {
    other.kill("SIGKILL");
    await other.status;
    await Deno.remove(root, { recursive: true });
  }
});
