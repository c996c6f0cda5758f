/**
 * Two sweeps on one store as if on two hosts sharing a file system: each runs
 * in its own PID and UTS namespace (`unshare --pid --fork --mount-proc
 * --uts`, as root), so each has its own host name and sees only its own
 * processes in /proc, like a sweep on another machine. Each run must be
 * computed exactly once; when one sweep is SIGKILLed, the other takes its
 * runs over only after their lease expired, and finishes them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  collect,
  listDirectory,
  MAIN,
  readTables,
  REPO_ROOT,
  runCli,
  sleep,
  sweepCounts,
  syntheticExperiment,
  withTempDir,
  writeExperiment,
} from "./helpers.ts";

const UNSHARE = ["unshare", "--pid", "--fork", "--mount-proc", "--uts", "--kill-child"];

/** Why the namespace tests cannot run here, or `undefined` when they can. */
async function namespacesUnavailable(): Promise<string | undefined> {
  try {
    const probe = await new Deno.Command(UNSHARE[0], {
      args: [...UNSHARE.slice(1), "hostname", "probe-host"],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (probe.success) return undefined;
    return `unshare is not permitted here (${new TextDecoder().decode(probe.stderr).trim()})`;
  } catch (error) {
    return `unshare cannot be started (${(error as Error).message})`;
  }
}

const unavailable = await namespacesUnavailable();
if (unavailable !== undefined) {
  console.log(
    `concurrent hosts: skipped: ${unavailable}; run the tests as root on Linux with ` +
      "util-linux's unshare to enable them",
  );
}

const LEASE_SECONDS = 3;
const EXPERIMENT = syntheticExperiment("hosts", {
  model: { kind: "mlp", hidden: [64] },
  training: { optimizer: "adam", learningRate: 0.003, batchSize: 32, epochs: 2 },
  sparsities: [0.5, 0.8, 0.9],
  seeds: [1, 2],
});
const TOTAL_RUNS = 6;

/**
 * Starts `run` in new PID and UTS namespaces under host name `host`. The
 * first `extraPids` processes of the namespace are spent on `true` first, so
 * the two sweeps' process ids differ: a process id of one sweep's namespace
 * then names no process in the other's, as on another machine (a store that
 * judged claims by the local /proc would take the other sweep's runs over).
 */
function spawnOnHost(host: string, extraPids: number, file: string, outDir: string) {
  const burn = Array.from({ length: extraPids }, () => "true; ").join("");
  const script = `hostname "$1" && ${burn}exec "$2" run -A "$3" run "$4" --out "$5" --workers 1`;
  return new Deno.Command(UNSHARE[0], {
    args: [
      ...UNSHARE.slice(1),
      "sh",
      "-c",
      script,
      "sh",
      host,
      Deno.execPath(),
      MAIN,
      file,
      outDir,
    ],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1", PRUNING_LEASE_SECONDS: String(LEASE_SECONDS) },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Stored results without wall time, keyed by file name. */
async function storedResults(store: string): Promise<Map<string, unknown>> {
  const results = new Map<string, unknown>();
  for (const name of await listDirectory(store)) {
    if (!name.endsWith(".json")) continue;
    const { wallSeconds: _wallSeconds, ...rest } = JSON.parse(
      await Deno.readTextFile(join(store, name)),
    );
    results.set(name, rest);
  }
  return results;
}

/** The reference: the experiment run by one plain sweep. */
async function referenceRun(directory: string, file: string): Promise<string> {
  const reference = join(directory, "reference");
  const single = await runCli(["run", file, "--out", reference, "--workers", "1"]);
  assert.equal(single.code, 0, single.stderr);
  return reference;
}

Deno.test({
  name: "concurrent hosts: two sweeps in separate PID and UTS namespaces compute each run once",
  ignore: unavailable !== undefined,
  async fn() {
    await withTempDir(async (directory) => {
      const file = await writeExperiment(directory, "hosts.json", EXPERIMENT);
      const reference = await referenceRun(directory, file);
      const outDir = join(directory, "shared");
      const [first, second] = await Promise.all([
        collect(spawnOnHost("host-a", 0, file, outDir)),
        collect(spawnOnHost("host-b", 5, file, outDir)),
      ]);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(second.code, 0, second.stderr);
      const firstCounts = sweepCounts(first.stdout);
      const secondCounts = sweepCounts(second.stdout);
      assert.equal(
        firstCounts.computed + secondCounts.computed,
        TOTAL_RUNS,
        `computed ${firstCounts.computed} + ${secondCounts.computed}: a run was computed twice`,
      );
      for (const counts of [firstCounts, secondCounts]) {
        assert.equal(counts.computed + counts.stored + counts.byOther, TOTAL_RUNS);
      }
      const store = join(outDir, "runs");
      const names = await listDirectory(store);
      assert.ok(names.every((name) => /^[0-9a-f]+\.json$/.test(name)), names.join(", "));
      assert.deepEqual(await storedResults(store), await storedResults(join(reference, "runs")));
      assert.deepEqual(await readTables(outDir), await readTables(reference));
    });
  },
});

Deno.test({
  name:
    "concurrent hosts: when one sweep is SIGKILLed the other takes its runs over after the lease",
  ignore: unavailable !== undefined,
  async fn() {
    await withTempDir(async (directory) => {
      const file = await writeExperiment(directory, "hosts.json", EXPERIMENT);
      const reference = await referenceRun(directory, file);
      const outDir = join(directory, "shared");
      const store = join(outDir, "runs");

      // Host A claims a run; it is killed while computing it.
      const victim = spawnOnHost("host-a", 5, file, outDir);
      const victimOutcome = collect(victim);
      const deadline = Date.now() + 60_000;
      let claims: string[] = [];
      while (Date.now() < deadline && claims.length === 0) {
        claims = (await listDirectory(store)).filter((name) => name.endsWith(".claim"));
        if (claims.length === 0) await sleep(20);
      }
      assert.ok(claims.length > 0, "host A never claimed a run");
      victim.kill("SIGKILL");
      assert.notEqual((await victimOutcome).code, 0, "host A finished before it was killed");
      // What host A left: its claims and when it last refreshed them.
      const left = new Map<string, number>();
      for (const name of await listDirectory(store)) {
        if (!name.endsWith(".claim")) continue;
        left.set(
          name.replace(/\.claim$/, ".json"),
          (await Deno.stat(join(store, name))).mtime!.getTime(),
        );
      }
      assert.ok(left.size > 0, "host A's claim was gone when it was killed");

      // Host B sees host A's claims as live until they expire, then computes those runs too.
      const survivor = await collect(spawnOnHost("host-b", 0, file, outDir));
      assert.equal(survivor.code, 0, survivor.stderr);
      const counts = sweepCounts(survivor.stdout);
      assert.equal(counts.computed + counts.stored, TOTAL_RUNS, survivor.stdout);
      for (const [result, refreshed] of left) {
        const written = (await Deno.stat(join(store, result))).mtime!.getTime();
        // File times are exact to well under a second on local file systems; allow 0.1 s.
        assert.ok(
          written >= refreshed + LEASE_SECONDS * 1000 - 100,
          `${result} was taken over ${(written - refreshed) / 1000} s after host A's last ` +
            `refresh, before its ${LEASE_SECONDS} s lease expired`,
        );
      }
      const names = await listDirectory(store);
      assert.ok(names.every((name) => /^[0-9a-f]+\.json$/.test(name)), names.join(", "));
      assert.deepEqual(await storedResults(store), await storedResults(join(reference, "runs")));
      assert.deepEqual(await readTables(outDir), await readTables(reference));
    });
  },
});
