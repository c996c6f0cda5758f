import assert from "node:assert/strict";
import { join } from "node:path";
import { runId } from "../../src/config/run_id.ts";
import type { RunSpec } from "../../src/config/types.ts";
import { writeFileAtomic } from "../../src/atomic_file.ts";
import { ResultStore } from "../../src/runner/store.ts";
import {
  claimIsStale,
  type ClaimRecord,
  newClaimRecord,
  observeClaim,
  removeStaleClaim,
} from "../../src/runner/claim_file.ts";
import { hostIdentity, hostTag } from "../../src/host_identity.ts";
import { fakeResult, listDirectory, specsOf, tinyExperiment } from "./fixtures.ts";

const [SPEC, OTHER_SPEC] = specsOf(tinyExperiment());

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

/** Writes a claim (lease 30 s unless `fields` say otherwise), last refreshed `ageSeconds` ago. */
async function writeClaim(
  path: string,
  fields: Partial<ClaimRecord>,
  ageSeconds = 0,
): Promise<ClaimRecord> {
  const record = { ...newClaimRecord(30), ...fields };
  await Deno.writeTextFile(path, JSON.stringify(record) + "\n");
  await age(path, ageSeconds);
  return record;
}

/** Sets a file's modification time `seconds` in the past. */
async function age(path: string, seconds: number): Promise<void> {
  const when = new Date(Date.now() - seconds * 1000);
  await Deno.utime(path, when, when);
}

/** The claim record in a claim file. */
async function claimRecordAt(path: string): Promise<ClaimRecord> {
  return JSON.parse(await Deno.readTextFile(path));
}

Deno.test("store: a claim is exclusive to this process until released or written", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new ResultStore(join(root, "runs"), { leaseSeconds: 7 });
    assert.equal(await store.claim(SPEC), true);
    const record = await claimRecordAt(claimPath(store, SPEC));
    assert.deepEqual(
      { host: record.host, boot: record.boot, pidNamespace: record.pidNamespace, pid: record.pid },
      { ...hostIdentity(), pid: Deno.pid },
    );
    assert.equal(record.leaseSeconds, 7);
    assert.match(record.token, /^[0-9a-f-]{36}$/);
    // Claiming again from the same process is allowed (it already owns the run).
    assert.equal(await store.claim(SPEC), true);
    assert.equal((await claimRecordAt(claimPath(store, SPEC))).token, record.token);
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

Deno.test("store: a claim of a live process on this host blocks; once it dies it is taken over at once", async () => {
  const root = await Deno.makeTempDir();
  const other = startLiveProcess();
  try {
    // A lease of an hour: the takeover below cannot be the lease's doing.
    const store = new ResultStore(root, { leaseSeconds: 3600 });
    const path = claimPath(store, SPEC);
    const theirs = await writeClaim(path, { pid: other.pid });
    assert.equal(await store.claim(SPEC), false);
    // Releasing does not remove a claim this process does not hold.
    await store.release(SPEC);
    assert.equal((await claimRecordAt(path)).token, theirs.token);
    // Other runs are unaffected.
    assert.equal(await store.claim(OTHER_SPEC), true);
    other.kill("SIGKILL");
    await other.status;
    assert.equal(await store.claim(SPEC), true);
    assert.equal((await claimRecordAt(path)).pid, Deno.pid);
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

Deno.test("store: another host's claim is honoured, whatever its pid is here, until its lease expires", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new ResultStore(root, { leaseSeconds: 30 });
    const path = claimPath(store, SPEC);
    // A pid that is dead here means nothing on another host, another boot or in another PID namespace.
    const dead = await deadPid();
    for (
      const elsewhere of [{ host: "node-17" }, { boot: "another-boot" }, {
        pidNamespace: "pid:[1]",
      }]
    ) {
      const theirs = await writeClaim(path, { ...elsewhere, pid: dead, leaseSeconds: 30 }, 25);
      assert.equal(await store.claim(SPEC), false, JSON.stringify(elsewhere));
      assert.equal((await claimRecordAt(path)).token, theirs.token);
      // Not refreshed for longer than its lease: abandoned.
      await age(path, 31);
      assert.equal(await store.claim(SPEC), true, JSON.stringify(elsewhere));
      assert.equal((await claimRecordAt(path)).pid, Deno.pid);
      await store.release(SPEC);
    }
    // The owner's lease counts, not the reader's: 40 s old with a lease of 60 s is live.
    await writeClaim(path, { host: "node-17", leaseSeconds: 60 }, 40);
    assert.equal(await store.claim(SPEC), false);
    assert.deepEqual(await listDirectory(root), [`${runId(SPEC)}.claim`]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("store: an unreadable claim is kept for the reader's lease, then taken over", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new ResultStore(root, { leaseSeconds: 30 });
    const path = claimPath(store, SPEC);
    // An empty claim may be one a sweep is creating right now.
    for (const text of ["", "garbage\n", '{"host": "node-17"}\n']) {
      await Deno.writeTextFile(path, text);
      await age(path, 20);
      assert.equal(await store.claim(SPEC), false, JSON.stringify(text));
      await age(path, 31);
      assert.equal(await store.claim(SPEC), true, JSON.stringify(text));
      assert.equal((await claimRecordAt(path)).pid, Deno.pid);
      await store.release(SPEC);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("store: refreshing keeps this process's claims alive and reports the ones taken over", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new ResultStore(root, { leaseSeconds: 30 });
    assert.equal(await store.claim(SPEC), true);
    assert.equal(await store.claim(OTHER_SPEC), true);
    await age(claimPath(store, SPEC), 29);
    await age(claimPath(store, OTHER_SPEC), 29);
    // OTHER_SPEC's claim was taken over by another host meanwhile.
    const theirs = await writeClaim(claimPath(store, OTHER_SPEC), { host: "node-17" }, 0);
    assert.deepEqual(await store.refreshClaims(), [claimPath(store, OTHER_SPEC)]);
    const refreshed = (await Deno.stat(claimPath(store, SPEC))).mtime!.getTime();
    assert.ok(Date.now() - refreshed < 5_000, `refreshed ${Date.now() - refreshed} ms ago`);
    // The lost claim is neither refreshed again nor removed on release.
    assert.deepEqual(await store.refreshClaims(), []);
    await store.release(OTHER_SPEC);
    assert.equal((await claimRecordAt(claimPath(store, OTHER_SPEC))).token, theirs.token);
    // Releasing a claim taken over before any refresh noticed leaves the new owner's.
    const newOwner = await writeClaim(claimPath(store, SPEC), { host: "node-18" }, 0);
    await store.release(SPEC);
    assert.equal((await claimRecordAt(claimPath(store, SPEC))).token, newOwner.token);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("claim takeover: a claim refreshed or replaced after it was judged stale is left alone", async () => {
  const root = await Deno.makeTempDir();
  try {
    const path = join(root, "run.claim");
    await writeClaim(path, { host: "node-17", leaseSeconds: 10 }, 11);
    const observed = (await observeClaim(path))!;
    assert.equal(claimIsStale(observed, 10), true);
    // Its owner refreshed it just after it was observed.
    await age(path, 0);
    assert.equal(await removeStaleClaim(path, observed, 10), false);
    assert.equal((await observeClaim(path))?.text, observed.text);
    // Another sweep took it over and wrote its own.
    const newer = await writeClaim(path, { host: "node-18", leaseSeconds: 10 }, 11);
    assert.equal(await removeStaleClaim(path, observed, 10), false);
    assert.equal((await claimRecordAt(path)).token, newer.token);
    // The very claim observed, still stale: removed.
    assert.equal(await removeStaleClaim(path, (await observeClaim(path))!, 10), true);
    assert.deepEqual(await listDirectory(root), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("store: preparing removes stale claims and temporaries, keeps live ones of this and other hosts", async () => {
  const root = await Deno.makeTempDir();
  const other = startLiveProcess();
  try {
    const store = new ResultStore(root, { leaseSeconds: 30 });
    const dead = await deadPid();
    const tag = hostTag();
    const claimOf = (name: string) => join(root, `${name}.claim`);
    // A sweep killed after writing its result but before releasing the claim.
    await store.write(fakeResult(SPEC));
    await writeClaim(claimPath(store, SPEC), { pid: dead });
    await writeClaim(claimOf("live-here"), { pid: other.pid }, 20);
    // Even a live process here: a claim not refreshed for its lease is abandoned (the pid may be reused).
    await writeClaim(claimOf("expired-here"), { pid: other.pid }, 31);
    await writeClaim(claimOf("live-elsewhere"), { host: "node-17", pid: dead }, 20);
    await writeClaim(claimOf("expired-elsewhere"), { host: "node-17", pid: other.pid }, 31);
    await Deno.writeTextFile(claimOf("being-written"), "");
    await Deno.writeTextFile(claimOf("abandoned-empty"), "");
    await age(claimOf("abandoned-empty"), 31);
    await writeClaim(join(root, "x.claim.stale-0123abcd"), { host: "node-17" }, 31);
    const temporaries = {
      deadHere: `.a.json.${tag}.${dead}.0123abcd.tmp`,
      liveHere: `.b.json.${tag}.${other.pid}.0123abcd.tmp`,
      liveElsewhere: `.c.json.0123456789ab.${dead}.0123abcd.tmp`,
      expiredElsewhere: `.d.json.0123456789ab.${other.pid}.0123abcd.tmp`,
      untaggedFresh: `.e.json.${dead}.0123abcd.tmp`,
      untaggedExpired: `.f.json.${other.pid}.0123abcd.tmp`,
    };
    for (const name of Object.values(temporaries)) await Deno.writeTextFile(join(root, name), "{");
    await age(join(root, temporaries.liveHere), 20);
    await age(join(root, temporaries.liveElsewhere), 20);
    await age(join(root, temporaries.expiredElsewhere), 31);
    await age(join(root, temporaries.untaggedExpired), 31);
    await store.prepare();
    assert.deepEqual(
      await listDirectory(root),
      [
        "being-written.claim",
        "live-elsewhere.claim",
        "live-here.claim",
        `${runId(SPEC)}.json`,
        temporaries.liveElsewhere,
        temporaries.liveHere,
        temporaries.untaggedFresh,
      ].sort(),
    );
  } finally {
    other.kill("SIGKILL");
    await other.status;
    await Deno.remove(root, { recursive: true });
  }
});
