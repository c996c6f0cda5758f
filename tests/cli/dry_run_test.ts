/**
 * `--dry-run` on `run` and `reproduce`: lists the runs, stored or missing,
 * and estimates the missing ones' core-hours, computing and writing nothing.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { formatCoreHours } from "../../src/cli/dry_run.ts";
import { expandExperiment } from "../../src/config/grid.ts";
import { loadExperimentFile } from "../../src/config/parse_experiment.ts";
import { runId } from "../../src/config/run_id.ts";
import { estimatedCoreHours } from "../../src/runner/cost_estimate.ts";
import { SMOKE_FILE } from "../runner/fixtures.ts";
import { readTree, runCli } from "./cli.ts";

/** The summary line of a dry run, the last line of stdout. */
function summaryLine(stdout: string): string {
  return stdout.trimEnd().split("\n").at(-1) ?? "";
}

Deno.test("dry run: lists every run, stored or missing, and the missing runs' estimated core-hours", async () => {
  const root = await Deno.makeTempDir();
  try {
    const out = join(root, "out");
    const specs = expandExperiment(await loadExperimentFile(SMOKE_FILE));
    assert.equal(specs.length, 16);

    const empty = await runCli(["run", SMOKE_FILE, "--out", out, "--dry-run"]);
    assert.equal(empty.code, 0, empty.stderr);
    assert.equal(await Deno.stat(out).then(() => true, () => false), false, "dry run wrote");
    assert.match(empty.stdout, /^dry run: nothing is computed or written; runs are looked up in /);
    assert.ok(empty.stdout.split("\n")[0].endsWith(join(out, "runs")));
    assert.match(empty.stdout, /\nsmoke \(\S*smoke\.json\): 16 runs\n/);
    const missingLines = empty.stdout.split("\n").filter((line) => line.startsWith("  missing"));
    assert.equal(missingLines.length, 16);
    // Each run once, by its id.
    assert.deepEqual(
      new Set(missingLines.map((line) => line.split(/\s+/)[2])),
      new Set(specs.map((spec) => runId(spec).slice(0, 12))),
    );
    assert.equal(
      summaryLine(empty.stdout),
      `16 runs: 0 stored, 16 missing, estimated ${
        formatCoreHours(estimatedCoreHours(specs))
      } core-hours`,
    );

    const run = await runCli(["run", SMOKE_FILE, "--out", out, "--quiet"]);
    assert.equal(run.code, 0, run.stderr);
    const removed = [specs[0], specs[5], specs[11]];
    for (const spec of removed) await Deno.remove(join(out, "runs", `${runId(spec)}.json`));
    const before = await readTree(out);
    const partial = await runCli(["run", SMOKE_FILE, "--out", out, "--dry-run"]);
    assert.equal(partial.code, 0, partial.stderr);
    assert.deepEqual(await readTree(out), before, "dry run changed the output directory");
    assert.equal(
      partial.stdout.split("\n").filter((line) => line.startsWith("  stored")).length,
      13,
    );
    for (const spec of removed) {
      assert.match(partial.stdout, new RegExp(`\n  missing  ${runId(spec).slice(0, 12)}  `));
    }
    // The estimate covers the three missing runs only, and differs from the whole study's.
    const missingHours = formatCoreHours(estimatedCoreHours(removed));
    assert.notEqual(missingHours, formatCoreHours(estimatedCoreHours(specs)));
    assert.equal(
      summaryLine(partial.stdout),
      `16 runs: 13 stored, 3 missing, estimated ${missingHours} core-hours`,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("dry run: reproduce looks in results/<profile>/runs by default; a bad file is still exit 2", async () => {
  const outcome = await runCli(["reproduce", "--dry-run"]);
  assert.equal(outcome.code, 0, outcome.stderr);
  assert.match(outcome.stdout.split("\n")[0], /runs are looked up in results\/quick\/runs$/);
  assert.match(
    summaryLine(outcome.stdout),
    /^\d+ runs: \d+ stored, \d+ missing, estimated [\d.e-]+ core-hours$/,
  );
  const paper = await runCli(["reproduce", "--dry-run", "--profile", "paper"]);
  assert.equal(paper.code, 0, paper.stderr);
  assert.match(paper.stdout.split("\n")[0], /runs are looked up in results\/paper\/runs$/);

  const root = await Deno.makeTempDir();
  try {
    const file = join(root, "bad.json");
    const document = JSON.parse(await Deno.readTextFile(SMOKE_FILE));
    delete document.$schema;
    await Deno.writeTextFile(file, JSON.stringify({ ...document, sparsities: [1.5] }));
    const bad = await runCli(["run", file, "--out", join(root, "out"), "--dry-run"]);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /\$\.sparsities\[0\]/);
    assert.equal(bad.stdout, "");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("dry run: core-hours keep two significant digits at every scale", () => {
  assert.equal(formatCoreHours(0), "0");
  assert.equal(formatCoreHours(0.000174), "0.00017");
  assert.equal(formatCoreHours(0.4312), "0.43");
  assert.equal(formatCoreHours(7.96), "8");
  assert.equal(formatCoreHours(135.4), "140");
});

Deno.test("dry run: a run two experiments share is counted once, as the sweep computes it once", async () => {
  const root = await Deno.makeTempDir();
  try {
    const document = JSON.parse(await Deno.readTextFile(SMOKE_FILE));
    delete document.$schema;
    const copy = join(root, "copy.json");
    await Deno.writeTextFile(copy, JSON.stringify({ ...document, name: "smoke-copy" }));
    const specs = expandExperiment(await loadExperimentFile(SMOKE_FILE));
    const outcome = await runCli([
      "run",
      SMOKE_FILE,
      copy,
      "--out",
      join(root, "out"),
      "--dry-run",
    ]);
    assert.equal(outcome.code, 0, outcome.stderr);
    // Both experiments list their 16 runs; the totals count the 16 distinct ones.
    assert.match(outcome.stdout, /\nsmoke \(\S+\): 16 runs\n/);
    assert.match(outcome.stdout, /\nsmoke-copy \(\S+\): 16 runs\n/);
    assert.equal(
      summaryLine(outcome.stdout),
      `16 runs: 0 stored, 16 missing, estimated ${
        formatCoreHours(estimatedCoreHours(specs))
      } core-hours`,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
