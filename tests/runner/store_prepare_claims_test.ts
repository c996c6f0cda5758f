/**
 * What preparing a store does to claims other sweeps may be using right now:
 * a takeover's leftover (`.claim.stale-*`) that is still live is kept (its
 * taker may put it back), and a stale claim that another sweep replaces
 * between being judged stale and being removed is kept too (preparing removes
 * only the very claim it judged, like a takeover does).
 *
 * @module
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { runId } from "../../src/config/run_id.ts";
import { type ClaimRecord, newClaimRecord } from "../../src/runner/claim_file.ts";
import { ResultStore } from "../../src/runner/store.ts";
import { listDirectory, specsOf, tinyExperiment } from "./fixtures.ts";

const [SPEC] = specsOf(tinyExperiment());

/** Writes a claim of another host (lease 30 s), last refreshed `ageSeconds` ago. */
async function writeForeignClaim(path: string, ageSeconds: number): Promise<ClaimRecord> {
  const record = { ...newClaimRecord(30), host: "node-17" };
  await Deno.writeTextFile(path, JSON.stringify(record) + "\n");
  const when = new Date(Date.now() - ageSeconds * 1000);
  await Deno.utime(path, when, when);
  return record;
}

Deno.test("store: preparing keeps a takeover leftover whose claim is still live", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new ResultStore(root, { leaseSeconds: 30 });
    // Another sweep renamed a claim aside to judge it and has not yet put it back or
    // removed it: 5 s old with a 30 s lease, so the claim in it is live.
    const live = join(root, "run.claim.stale-0123abcd");
    const liveRecord = await writeForeignClaim(live, 5);
    // The same leftover 31 s old is abandoned: removed (31 > 30).
    await writeForeignClaim(join(root, "old.claim.stale-89abcdef"), 31);
    await store.prepare();
    assert.deepEqual(await listDirectory(root), ["run.claim.stale-0123abcd"]);
    assert.equal(JSON.parse(await Deno.readTextFile(live)).token, liveRecord.token);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("store: preparing keeps a claim that another sweep took over after it was judged stale", async () => {
  const root = await Deno.makeTempDir();
  const originalRename = Deno.rename;
  const originalRemove = Deno.remove;
  try {
    const store = new ResultStore(root, { leaseSeconds: 30 });
    const path = join(root, `${runId(SPEC)}.claim`);
    // Abandoned: 31 s old with a 30 s lease, so preparing judges it stale.
    await writeForeignClaim(path, 31);
    // Another sweep takes the run over at the last moment: just before preparing's
    // rename (or removal) of the claim, the file becomes that sweep's fresh claim.
    let replacement: ClaimRecord | undefined;
    const replaceOnce = async (target: string | URL) => {
      if (replacement !== undefined || String(target) !== path) return;
      replacement = { ...newClaimRecord(30), host: "node-18" };
      await Deno.writeTextFile(path, JSON.stringify(replacement) + "\n");
    };
    Deno.rename = async (from, to) => {
      await replaceOnce(from);
      return await originalRename(from, to);
    };
    Deno.remove = async (target, options) => {
      await replaceOnce(target);
      return await originalRemove(target, options);
    };
    await store.prepare();
    Deno.rename = originalRename;
    Deno.remove = originalRemove;
    assert.ok(replacement, "preparing tried to remove the stale claim");
    assert.deepEqual(await listDirectory(root), [`${runId(SPEC)}.claim`]);
    assert.equal(JSON.parse(await Deno.readTextFile(path)).token, replacement.token);
  } finally {
    Deno.rename = originalRename;
    Deno.remove = originalRemove;
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("store: claiming a run under another sweep's live claim gives no third sweep a way in", async () => {
  const root = await Deno.makeTempDir();
  const originalRename = Deno.rename;
  try {
    const store = new ResultStore(root, { leaseSeconds: 30 });
    const third = new ResultStore(root, { leaseSeconds: 30 });
    const path = join(root, `${runId(SPEC)}.claim`);
    // Live: 5 s old with a 30 s lease, so the run is left to its owner.
    const theirs = await writeForeignClaim(path, 5);
    // Were the live claim moved aside, even to be put back, a third sweep claiming the
    // run at that moment would find no claim and create its own: two sweeps would then
    // compute the run. The third sweep tries exactly then.
    let thirdClaimed: boolean | undefined;
    Deno.rename = async (from, to) => {
      await originalRename(from, to);
      if (String(from) === path && thirdClaimed === undefined) {
        thirdClaimed = await third.claim(SPEC);
      }
    };
    assert.equal(await store.claim(SPEC), false);
    Deno.rename = originalRename;
    assert.equal(thirdClaimed, undefined, "the live claim was moved");
    assert.deepEqual(await listDirectory(root), [`${runId(SPEC)}.claim`]);
    assert.equal(JSON.parse(await Deno.readTextFile(path)).token, theirs.token);
  } finally {
    Deno.rename = originalRename;
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("store: a claim path that can be neither created nor read is given up, not claimed", async () => {
  const root = await Deno.makeTempDir();
  try {
    const store = new ResultStore(root, { leaseSeconds: 30 });
    const path = join(root, `${runId(SPEC)}.claim`);
    // A dangling link: creating the claim exclusively fails (the name exists), and
    // reading it finds nothing, as when a claim is released between the two steps.
    // Retrying can never succeed, so the run must be reported as not claimed (the
    // sweep skips it), after a bounded number of tries.
    await Deno.symlink(join(root, "nowhere"), path);
    assert.equal(await store.claim(SPEC), false);
    // Nothing was created through the link, and no claim is held to be released.
    assert.deepEqual(await listDirectory(root), [`${runId(SPEC)}.claim`]);
    assert.deepEqual(await store.refreshClaims(), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
