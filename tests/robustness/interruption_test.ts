/**
 * Guarantee 1: a sweep killed outright (SIGKILL, no chance to clean up) at
 * any moment and started again completes, leaves no partial or stray file,
 * and ends with tables byte-identical to an uninterrupted sweep's.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { hostTag } from "../../src/host_identity.ts";
import {
  cliCommand,
  collect,
  listDirectory,
  readTables,
  runCli,
  sleep,
  sweepCounts,
  syntheticExperiment,
  withTempDir,
  writeExperiment,
} from "./helpers.ts";

/** Six runs of about half a second each: slow enough for a kill to land between results. */
const EXPERIMENT = syntheticExperiment("killed", {
  model: { kind: "mlp", hidden: [128] },
  training: { optimizer: "adam", learningRate: 0.003, batchSize: 32, epochs: 3 },
  sparsities: [0.5, 0.9],
  seeds: [1, 2, 3],
});
const TOTAL_RUNS = 6;

async function resultFiles(store: string): Promise<string[]> {
  return (await listDirectory(store)).filter((name) => /^[0-9a-f]+\.json$/.test(name));
}

/** Every stored result parses and is the result of the run its file is named after. */
async function assertResultsComplete(store: string): Promise<void> {
  for (const name of await resultFiles(store)) {
    const text = await Deno.readTextFile(join(store, name));
    const result = JSON.parse(text);
    assert.equal(`${result.runId}.json`, name, `${name} holds run ${result.runId}`);
    assert.ok(text.endsWith("}\n"), `${name} is cut short`);
    assert.ok(Array.isArray(result.curve) && result.curve.length > 0, `${name} has no curve`);
  }
}

/** Starts a sweep and SIGKILLs it once the store holds at least `results` results. */
async function killAfter(
  file: string,
  outDir: string,
  results: number,
): Promise<{ storedAtKill: number; claimsAtKill: string[] }> {
  const store = join(outDir, "runs");
  const child = cliCommand(["run", file, "--out", outDir, "--workers", "2"]).spawn();
  const outcome = collect(child);
  const deadline = Date.now() + 60_000;
  let stored = 0;
  while (Date.now() < deadline) {
    stored = (await resultFiles(store)).length;
    if (stored >= results) break;
    await sleep(10);
  }
  const claimsAtKill = (await listDirectory(store)).filter((name) => name.endsWith(".claim"));
  child.kill("SIGKILL");
  const { code } = await outcome;
  assert.notEqual(code, 0, "the sweep finished before it could be killed");
  return { storedAtKill: stored, claimsAtKill };
}

Deno.test("interruption: a sweep SIGKILLed after 1, 2 and 3 results resumes to identical tables", async () => {
  await withTempDir(async (directory) => {
    const file = await writeExperiment(directory, "killed.json", EXPERIMENT);

    const reference = join(directory, "reference");
    const uninterrupted = await runCli(["run", file, "--out", reference, "--workers", "2"]);
    assert.equal(uninterrupted.code, 0, uninterrupted.stderr);
    const referenceTables = await readTables(reference);
    assert.ok(referenceTables.size > 0);

    const outDir = join(directory, "interrupted");
    const store = join(outDir, "runs");
    let sawStaleClaim = false;
    for (const results of [1, 2, 3]) {
      const { storedAtKill, claimsAtKill } = await killAfter(file, outDir, results);
      assert.ok(storedAtKill < TOTAL_RUNS, `the kill after ${results} result(s) was not mid-sweep`);
      sawStaleClaim ||= claimsAtKill.length > 0;
      // Whatever the moment of the kill, every result file present is whole.
      await assertResultsComplete(store);
    }
    assert.ok(sawStaleClaim, "no kill landed while a run was claimed");
    // A temporary a writer on this host killed mid-write would leave (pid 2^22 + 1 exceeds
    // Linux's pid_max).
    const strayTemporary = join(store, `.abc.json.${hostTag()}.${2 ** 22 + 1}.0123abcd.tmp`);
    await Deno.writeTextFile(strayTemporary, '{"runId": "half-writ');

    const resumed = await runCli(["run", file, "--out", outDir, "--workers", "2"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const counts = sweepCounts(resumed.stdout);
    assert.equal(counts.total, TOTAL_RUNS);
    assert.equal(counts.computed + counts.stored, TOTAL_RUNS);
    assert.ok(counts.stored >= 3, `only ${counts.stored} results survived the kills`);

    const left = await listDirectory(store);
    assert.deepEqual(left.filter((name) => !/^[0-9a-f]+\.json$/.test(name)), [], "stray files");
    assert.equal(left.length, TOTAL_RUNS);
    await assertResultsComplete(store);
    assert.deepEqual(
      (await listDirectory(join(outDir, "tables"))).filter((name) => !/\.(csv|tex)$/.test(name)),
      [],
    );
    assert.deepEqual(await readTables(outDir), referenceTables);
  });
});
