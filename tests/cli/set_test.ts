/** `--set PATH=VALUE` through the command line: part of the runs, errors exit 2. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { SMOKE_FILE } from "../runner/fixtures.ts";
import { runCli } from "./cli.ts";

Deno.test("cli --set: overrides every file's settings before the runs are listed", async () => {
  const root = await Deno.makeTempDir();
  try {
    const out = join(root, "out");
    const plain = await runCli(["run", SMOKE_FILE, "--out", out, "--dry-run"]);
    const set = await runCli([
      "run",
      SMOKE_FILE,
      "--out",
      out,
      "--dry-run",
      "--set",
      "sparsities=[0.5]",
      "--set",
      "seeds=[7]",
    ]);
    assert.equal(set.code, 0, set.stderr);
    assert.match(plain.stdout, /\n16 runs: 0 stored, 16 missing/);
    // 4 methods x 1 sparsity x 1 seed, with the new seed in every run.
    assert.match(set.stdout, /\n4 runs: 0 stored, 4 missing/);
    assert.equal(set.stdout.match(/ s=0\.5 seed=7 /g)?.length, 4);
    assert.equal(await Deno.stat(out).then(() => true, () => false), false);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("cli --set: a malformed or invalid override exits 2 naming the --set, writing nothing", async () => {
  const root = await Deno.makeTempDir();
  try {
    const out = join(root, "out");
    const cases: { set: string; expected: RegExp }[] = [
      { set: "training.epochs", expected: /^error: --set training\.epochs: expected PATH=VALUE/ },
      {
        set: "training.epochs=abc",
        expected: /^error: \S*smoke\.json: --set training\.epochs: .*"abc"/,
      },
      {
        set: "trainng.epochs=2",
        expected: /--set trainng\.epochs: unknown key "trainng".*"training"/,
      },
    ];
    for (const { set, expected } of cases) {
      const outcome = await runCli(["run", SMOKE_FILE, "--out", out, "--set", set]);
      assert.equal(outcome.code, 2, `${set}: ${outcome.stderr}`);
      assert.match(outcome.stderr, expected, set);
      assert.equal(outcome.stderr.trim().split("\n").length, 1, outcome.stderr);
      assert.equal(await Deno.stat(out).then(() => true, () => false), false, set);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
