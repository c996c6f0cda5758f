/**
 * Edges of the result store that mutation testing found unguarded: preparing
 * never deletes a stored result however old it is (only stale claims and
 * what a takeover left), a result path that cannot be read is an error rather
 * than "not stored", and the one-line error of an unusable store quotes the
 * system's reason without an error-class prefix.
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { ResultStore } from "../../src/runner/store.ts";
import { fakeResult, listDirectory, specsOf, tinyExperiment } from "./fixtures.ts";

const [SPEC] = specsOf(tinyExperiment());

Deno.test("store: preparing keeps stored results and other files older than the lease", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new ResultStore(root, { leaseSeconds: 60 });
    await store.write(fakeResult(SPEC));
    const resultName = `${store.resultPath(SPEC).slice(root.length + 1)}`;
    // Names that look like a takeover's leftovers but are not (no 8 hex digits).
    await Deno.writeTextFile(join(root, "notes.claim.stale-nothex!"), "kept\n");
    await Deno.writeTextFile(join(root, "readme.txt"), "kept\n");
    // An hour old: far past the 60 s lease a file that is not a claim would be judged by.
    const hourAgo = new Date(Date.now() - 3600_000);
    for (const name of await listDirectory(root)) {
      await Deno.utime(join(root, name), hourAgo, hourAgo);
    }
    await store.prepare();
    assert.deepEqual(
      await listDirectory(root),
      [resultName, "notes.claim.stale-nothex!", "readme.txt"].sort(),
    );
    assert.deepEqual(await store.read(SPEC), fakeResult(SPEC));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("store: a result path that cannot be read is an error, not an absent result", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new ResultStore(root);
    await Deno.mkdir(store.resultPath(SPEC));
    await assert.rejects(store.read(SPEC));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("store: an unusable store's one-line error quotes the system's reason as it is", async () => {
  const root = await Deno.makeTempDir();
  try {
    const runs = join(root, "runs");
    await Deno.writeTextFile(runs, "not a directory\n");
    const error = await new ResultStore(runs).prepare().then(
      () => undefined,
      (caught: Error) => caught,
    );
    assert.ok(error, "preparing a store over a file fails");
    assert.ok(error.message.startsWith(`${runs}: cannot use as the result store (`), error.message);
    // The reason is the system's message, without "AlreadyExists: " or "Error: " before it.
    assert.doesNotMatch(error.message, /\((Error|AlreadyExists|NotADirectory): /, error.message);
    assert.ok(!error.message.includes("\n"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("store: a diverged result's NaN metrics are stored as null and read back as NaN", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new ResultStore(root);
    const result = fakeResult(SPEC);
    const diverged = {
      ...result,
      status: "diverged" as const,
      primaryMetric: { ...result.primaryMetric, value: Number.NaN },
      metrics: { testAccuracy: Number.NaN, testLoss: Number.NaN },
      divergedAt: { epoch: 1, step: 3 },
    };
    await store.write(diverged);
    const text = await Deno.readTextFile(store.resultPath(SPEC));
    // The stored bytes are the result as JSON with one-space indentation and a final newline.
    assert.equal(text, JSON.stringify(diverged, null, 1) + "\n");
    assert.match(text, /"testAccuracy": null/);
    const read = await store.read(SPEC);
    assert.ok(read);
    assert.ok(Number.isNaN(read.primaryMetric.value));
    assert.ok(Number.isNaN(read.metrics.testAccuracy));
    assert.ok(Number.isNaN(read.metrics.testLoss));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("store: writing a result deletes its checkpoint; a released claim is not reported lost", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new ResultStore(root);
    assert.equal(await store.claim(SPEC), true);
    await Deno.writeTextFile(store.checkpointPath(SPEC), "{}\n");
    await store.write(fakeResult(SPEC));
    assert.deepEqual(await listDirectory(root), [store.resultPath(SPEC).slice(root.length + 1)]);
    // Writing released the claim: refreshing has nothing to refresh and nothing lost.
    assert.deepEqual(await store.refreshClaims(), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("store: asking whether a run is stored in a store that is a file is an error", async () => {
  const root = await Deno.makeTempDir();
  try {
    const runs = join(root, "runs");
    await Deno.writeTextFile(runs, "not a directory\n");
    await assert.rejects(new ResultStore(runs).has(SPEC));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
