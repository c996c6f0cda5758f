/**
 * The report command on an empty or partial store: nothing stored is bad
 * input that leaves an existing report untouched; some runs missing gives a
 * report that says how many and is marked incomplete.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { SMOKE_FILE } from "../runner/fixtures.ts";
import { readTree, runCli } from "./cli.ts";

Deno.test("report: no stored runs exits 2 naming the store, and an earlier report is left as it was", async () => {
  const root = await Deno.makeTempDir();
  try {
    const out = join(root, "out");
    // What an earlier report left: it must survive byte for byte.
    await Deno.mkdir(join(out, "tables"), { recursive: true });
    await Deno.writeTextFile(join(out, "REPORT.md"), "# an earlier report\n");
    await Deno.writeTextFile(join(out, "tables", "smoke.csv"), "method,accuracy\nrandom,0.5\n");
    const before = await readTree(out);
    for (const args of [["report", SMOKE_FILE, "--out", out], ["report", "--out", out]]) {
      const outcome = await runCli(args);
      assert.equal(outcome.code, 2, `${args.join(" ")}: ${outcome.stderr}`);
      assert.match(
        outcome.stderr,
        new RegExp(`^error: no stored runs in ${join(out, "runs")}: none of the study's \\d+ runs`),
      );
      assert.equal(outcome.stderr.trim().split("\n").length, 1, outcome.stderr);
      assert.equal(outcome.stdout, "");
      assert.deepEqual(await readTree(out), before, args.join(" "));
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("report: with runs missing it says N of M runs stored and marks REPORT.md incomplete", async () => {
  const root = await Deno.makeTempDir();
  try {
    const out = join(root, "out");
    const run = await runCli(["run", SMOKE_FILE, "--out", out, "--quiet"]);
    assert.equal(run.code, 0, run.stderr);
    const complete = await Deno.readTextFile(join(out, "REPORT.md"));
    assert.doesNotMatch(complete, /Incomplete/);
    // The complete study reported again: no warning either.
    const again = await runCli(["report", SMOKE_FILE, "--out", out]);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stdout, /runs stored/);

    const stored = [...(await readTree(join(out, "runs"))).keys()]
      .filter((name) => name.endsWith(".json"));
    assert.equal(stored.length, 16);
    for (const name of stored.slice(0, 5)) await Deno.remove(join(out, "runs", name));
    const partial = await runCli(["report", SMOKE_FILE, "--out", out]);
    assert.equal(partial.code, 0, partial.stderr);
    assert.match(partial.stdout, /^11 of 16 runs stored: the report is marked incomplete\n/);
    const report = await Deno.readTextFile(join(out, "REPORT.md"));
    assert.match(report, /\*\*Incomplete: 11 of 16 runs stored\.\*\*/);
    // Said before the summary, where a reader starts.
    assert.ok(report.indexOf("Incomplete: 11 of 16") < report.indexOf("## Summary"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
