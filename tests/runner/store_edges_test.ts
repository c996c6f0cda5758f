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
