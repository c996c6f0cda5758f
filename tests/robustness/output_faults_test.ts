/**
 * Guarantee 7: an output directory that cannot be written (a read-only file
 * system, `runs` not a directory, a full disk) stops the CLI with a clear
 * one-line error naming the path, and the runs already finished stay intact.
 *
 * Tests run as root here, where permission bits do not stop writes, so
 * read-only is tested with /proc (read-only even for root) and with `runs`
 * being a file; a full disk with a small tmpfs (ignored, with the reason
 * printed, where `mount` is not allowed).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  exists,
  listDirectory,
  looksLikeStackTrace,
  runCli,
  syntheticExperiment,
  withTempDir,
  writeExperiment,
} from "./helpers.ts";

function assertOneLineNaming(stderr: string, path: string): void {
  const lines = stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `not one line: ${stderr}`);
  assert.ok(lines[0].includes(path), `does not name ${path}: ${lines[0]}`);
  assert.ok(!looksLikeStackTrace(stderr), stderr);
}

Deno.test("output faults: `runs` being a file is a one-line error naming it", async () => {
  await withTempDir(async (directory) => {
    const file = await writeExperiment(directory, "a.json", syntheticExperiment("a"));
    const outDir = join(directory, "out");
    await Deno.mkdir(outDir);
    await Deno.writeTextFile(join(outDir, "runs"), "not a directory\n");
    const outcome = await runCli(["run", file, "--out", outDir, "--quiet"]);
    assert.ok(outcome.code === 1 || outcome.code === 2, `exit ${outcome.code}`);
    assertOneLineNaming(outcome.stderr, join(outDir, "runs"));
    assert.equal(await Deno.readTextFile(join(outDir, "runs")), "not a directory\n");
    assert.deepEqual(await listDirectory(outDir), ["runs"]);
  });
});

Deno.test("output faults: an output directory on a read-only file system (/proc)", async () => {
  await withTempDir(async (directory) => {
    const file = await writeExperiment(directory, "a.json", syntheticExperiment("a"));
    const outDir = `/proc/robustness-test-${Deno.pid}/out`;
    const outcome = await runCli(["run", file, "--out", outDir, "--quiet"]);
    assert.ok(outcome.code === 1 || outcome.code === 2, `exit ${outcome.code}`);
    assertOneLineNaming(outcome.stderr, outDir);
  });
});

/** Mounts a tmpfs of `size` at `directory`; false where this sandbox forbids it. */
async function mountTmpfs(directory: string, size: string): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("mount", {
      args: ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", directory],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

async function unmount(directory: string): Promise<void> {
  await new Deno.Command("umount", { args: [directory], stdout: "null", stderr: "null" })
    .output();
}

/** Fills the file system holding `directory` until a write fails. */
async function fillDisk(directory: string): Promise<void> {
  const file = await Deno.open(join(directory, "filler"), { write: true, create: true });
  const chunk = new Uint8Array(4096);
  try {
    while (true) await file.write(chunk);
  } catch {
    // Full.
  } finally {
    file.close();
  }
}

/**
 * Whether this machine lets the tests mount a tmpfs (root with the mount
 * privilege): probed once, before the test is registered, so that the test
 * is reported as ignored rather than passed where it cannot run.
 */
async function canMountTmpfs(): Promise<boolean> {
  const probe = await Deno.makeTempDir({ prefix: "tmpfs-probe-" });
  try {
    if (!(await mountTmpfs(probe, "64k"))) return false;
    await unmount(probe);
    return true;
  } finally {
    await Deno.remove(probe, { recursive: true }).catch(() => {});
  }
}

const FULL_DISK_TEST =
  "output faults: a full disk stops the sweep with one line; finished runs stay intact";
const tmpfsAvailable = await canMountTmpfs();
if (!tmpfsAvailable) {
  console.log(`ignored "${FULL_DISK_TEST}": cannot mount a tmpfs here (needs root and mount)`);
}

Deno.test({ name: FULL_DISK_TEST, ignore: !tmpfsAvailable }, async () => {
  await withTempDir(async (directory) => {
    const disk = join(directory, "disk");
    await Deno.mkdir(disk);
    assert.ok(await mountTmpfs(disk, "2m"), "mounting the tmpfs failed after the probe succeeded");
    try {
      const outDir = join(disk, "out");
      const store = join(outDir, "runs");
      const first = await writeExperiment(
        directory,
        "first.json",
        syntheticExperiment("first", { seeds: [1, 2] }),
      );
      const done = await runCli(["run", first, "--out", outDir, "--quiet"]);
      assert.equal(done.code, 0, done.stderr);
      const finished = new Map<string, Uint8Array>();
      for (const name of await listDirectory(store)) {
        finished.set(name, await Deno.readFile(join(store, name)));
      }
      assert.equal(finished.size, 2);

      await fillDisk(disk);
      const second = await writeExperiment(
        directory,
        "second.json",
        syntheticExperiment("second", { seeds: [3, 4] }),
      );
      const full = await runCli(["run", first, second, "--out", outDir, "--quiet"]);
      assert.ok(full.code === 1 || full.code === 2, `exit ${full.code}: ${full.stdout}`);
      assertOneLineNaming(full.stderr, store);
      assert.match(full.stderr, /no space left/i);

      // The finished runs are byte for byte what they were; nothing half-written remains.
      const left = await listDirectory(store);
      assert.deepEqual(left, [...finished.keys()].sort(), `store holds ${left.join(", ")}`);
      for (const [name, bytes] of finished) {
        assert.deepEqual(await Deno.readFile(join(store, name)), bytes, `${name} changed`);
      }
      assert.equal(await exists(join(outDir, "tables", "second.csv")), false);
    } finally {
      await unmount(disk);
    }
  });
});
