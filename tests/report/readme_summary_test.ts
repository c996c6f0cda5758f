/**
 * The README's "For reviewers" numbers come from the report: the report
 * writes README_SUMMARY.md, README.md embeds the standard study's copy
 * between markers, and these tests check the fragment's numbers by hand and
 * the README's copy against the committed fragment.
 *
 * @module
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import {
  describeLineDifferences,
  embeddedSummary,
  embedSummary,
  README_BEGIN,
  README_END,
} from "../../src/report/readme_summary.ts";
import { README_URL, STANDARD_SUMMARY_URL } from "../../src/report/embed_readme_summary.ts";
import { buildReportFiles } from "../../src/report/write_report.ts";
import { PAPER_CLAIMS, seedsOf } from "./fixtures.ts";

/** Results with every kind of row the fragment treats apart. */
function results() {
  return [
    ...seedsOf({ method: "random" }, [0.80, 0.82, 0.79]),
    ...seedsOf({ method: "kstarts" }, [0.83, 0.85, 0.82]),
    ...seedsOf({ method: "dissipating" }, [0.795, 0.815, 0.785]),
    ...seedsOf({ method: "snip" }, [0.70, 0.70, 0.70]),
    // Left out of the fragment: a labelled variant, a retrained method.
    ...seedsOf({ method: "random", label: "random (uniform)" }, [0.5, 0.5, 0.5]),
    ...seedsOf({ method: "kstarts", retrain: true }, [0.6, 0.6, 0.6]),
    ...seedsOf({ method: "dense", sparsity: 0 }, [0.90, 0.91]),
    ...seedsOf({ modelKind: "autoencoder", method: "random" }, [0.03, 0.031]),
    ...seedsOf({ modelKind: "autoencoder", method: "kstarts" }, [0.028, 0.0295]),
  ];
}

Deno.test("README_SUMMARY.md: means by sparsity and differences from random, by hand", async () => {
  const summary = (await buildReportFiles(results(), {
    profile: "standard",
    experiments: [],
    versions: {},
    claims: [PAPER_CLAIMS],
  })).get("README_SUMMARY.md") as string;
  assert.match(
    summary,
    /^\*\*What was run\*\* \(`standard` profile\): 24 distinct runs \(24 completed, 0 diverged\) of 1 experiment; fashion-mnist; autoencoder\[256-64-256\], mlp\[300-100\]; sparsities 0\.9 and unpruned; 2-3 completed seeds/m,
  );
  assert.match(summary, /^\| C1 K-starts beats random pruning \| [a-z ()]+ \|$/m);
  assert.match(summary, /unpruned: dense 90\.5; differences of the means in percentage points\./);
  const mlp = summary.slice(summary.indexOf("mlp[300-100]; adam"));
  // The paper's methods first (random, K-starts, dissipating), then the others by name.
  const methods = [...mlp.matchAll(/^\| ([^|]+?) \| [-+\d.%]+ \|$/gm)].map((match) => match[1])
    .filter((name) => name !== "method");
  assert.deepEqual(methods, [
    "random",
    "kstarts",
    "dissipating",
    "snip",
    "kstarts − random",
    "dissipating − random",
  ]);
  // Random 80.33; K-starts 0.03 above it in every seed; dissipating 0.005 below.
  assert.match(mlp, /^\| random \| 80\.3 \|$/m);
  assert.match(mlp, /^\| kstarts − random \| \+3\.00 \|$/m);
  assert.match(mlp, /^\| dissipating − random \| -0\.50 \|$/m);
  // Autoencoder: (0.02875 - 0.0305) / 0.0305 = -5.74% of random's error.
  assert.match(summary, /relative to random's error\.\n\n\| method \| 0\.9 \|/);
  assert.match(summary, /^\| kstarts − random \| -5\.7% \|$/m);
});

Deno.test("the README block is found, replaced and compared line by line", () => {
  const readme = `# Title\n\ntext\n${README_BEGIN}\nold 1\nold 2\n${README_END}\nafter\n`;
  assert.deepEqual(embeddedSummary(readme), { block: "old 1\nold 2\n" });
  const updated = embedSummary(readme, "new 1\n");
  assert.equal(updated, `# Title\n\ntext\n${README_BEGIN}\nnew 1\n${README_END}\nafter\n`);
  assert.deepEqual(embeddedSummary(updated as string), { block: "new 1\n" });
  assert.equal(embedSummary("no markers\n", "x\n"), undefined);
  assert.deepEqual(embeddedSummary("no markers\n"), {
    error: `README.md has no line "${README_BEGIN}"`,
  });
  assert.equal(
    describeLineDifferences("a\nb 8-17%\nc\n", "a\nb 7.5-17.1%\nc\n"),
    'line 2 of the block: README has "b 8-17%", the generated summary has "b 7.5-17.1%"',
  );
  assert.equal(
    describeLineDifferences("1\n2\n3\n", "4\n5\n6\n", 2),
    'line 1 of the block: README has "1", the generated summary has "4"\n' +
      'line 2 of the block: README has "2", the generated summary has "5"\n' +
      "... and 1 more lines differ",
  );
});

Deno.test("README.md embeds the generated summary between its markers", async () => {
  const found = embeddedSummary(await Deno.readTextFile(README_URL));
  assert.ok("block" in found, "error" in found ? found.error : "");
  assert.ok(found.block.length > 0, "the block is empty");
});

const SUMMARY_COMMITTED = existsSync(STANDARD_SUMMARY_URL);

Deno.test({
  name: "README.md's For reviewers numbers equal results/standard/README_SUMMARY.md",
  ignore: !SUMMARY_COMMITTED,
  fn: async () => {
    const found = embeddedSummary(await Deno.readTextFile(README_URL));
    assert.ok("block" in found, "error" in found ? found.error : "");
    const generated = await Deno.readTextFile(STANDARD_SUMMARY_URL);
    assert.ok(
      found.block === generated,
      "README.md's generated summary differs from results/standard/README_SUMMARY.md " +
        "(regenerated by `deno task report --profile standard --out results/standard`); " +
        "`deno task readme-summary` copies it in. Differences:\n" +
        describeLineDifferences(found.block, generated),
    );
  },
});

if (!SUMMARY_COMMITTED) {
  console.log(
    "readme_summary_test: the README comparison is ignored: results/standard/README_SUMMARY.md " +
      "is not committed yet (deno task report --profile standard --out results/standard)",
  );
}
