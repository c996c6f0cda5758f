/**
 * `report --claims FILE`: the report judges the claims files it is given
 * (the paper's by default for the reproduce study), and a bad claims file
 * is bad input (exit 2, one line naming the file and the field, nothing
 * written).
 *
 * @module
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../runner/fixtures.ts";
import { runCli } from "./cli.ts";

const STANDARD_RUNS = join(REPO_ROOT, "results", "standard", "runs");

Deno.test({
  name:
    "report --claims: a reviewer's file replaces the paper's; a bad one exits 2 writing nothing",
  ignore: !existsSync(STANDARD_RUNS),
  fn: async () => {
    const root = await Deno.makeTempDir();
    try {
      await Deno.mkdir(join(root, "runs"));
      for await (const entry of Deno.readDir(STANDARD_RUNS)) {
        if (entry.isFile && entry.name.endsWith(".json")) {
          await Deno.copyFile(join(STANDARD_RUNS, entry.name), join(root, "runs", entry.name));
        }
      }
      const docs = await Deno.readTextFile(join(REPO_ROOT, "docs", "claims.md"));
      const reviewer = join(root, "reviewer.json");
      await Deno.writeTextFile(reviewer, (/```json\n([\s\S]*?)```/.exec(docs) as string[])[1]);
      const bad = join(root, "bad.json");
      await Deno.writeTextFile(
        bad,
        (/```json\n([\s\S]*?)```/.exec(docs) as string[])[1].replace('"snip"', '"snipp"'),
      );
      const refused = await runCli([
        "report",
        "--profile",
        "standard",
        "--out",
        root,
        "--claims",
        bad,
      ]);
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(
        refused.stderr,
        new RegExp(`^error: ${bad}: \\$\\.claims\\[0\\]\\.first\\.method: expected one of`),
      );
      assert.equal(refused.stderr.trim().split("\n").length, 1, refused.stderr);
      assert.ok(!existsSync(join(root, "REPORT.md")), "nothing written");
      const judged = await runCli([
        "report",
        "--profile",
        "standard",
        "--out",
        root,
        "--claims",
        reviewer,
      ]);
      assert.equal(judged.code, 0, judged.stderr);
      const report = await Deno.readTextFile(join(root, "REPORT.md"));
      assert.match(
        report,
        /^\| R1 \| SNIP beats random pruning at 90% sparsity and above \| \*\*/m,
      );
      assert.doesNotMatch(report, /^\| C1 \|/m);
      assert.match(report, new RegExp(`Claims file: \`${reviewer}\``));
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
