import assert from "node:assert/strict";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunResult } from "../../src/config/types.ts";
import {
  buildReportFiles,
  type ReportContext,
  writeReport,
} from "../../src/report/write_report.ts";
import { describeIntegers } from "../../src/report/report_markdown.ts";
import { makeResult, PAPER_CLAIMS, permute, seedsOf } from "./fixtures.ts";

const CONTEXT: ReportContext = {
  profile: "smoke",
  experiments: [
    { name: "paper-mlp", file: "experiments/paper/mlp.json", hash: "abc123" },
    { name: "paper-ae", file: "experiments/paper/ae.json", hash: "def456" },
  ],
  versions: { tool: "0.1.0", deno: "2.9.6", tfjs: "4.22.0", backend: "cpu" },
  claims: [PAPER_CLAIMS],
};

/** A small but complete set of results: every claim has something to judge. */
function sampleResults(wallSeconds = 1.5): RunResult[] {
  const results: RunResult[] = [];
  const accuracy = [0.80, 0.82, 0.79];
  for (const sparsity of [0.5, 0.9]) {
    const common = { experiment: "paper-mlp", sparsity, wallSeconds };
    results.push(
      ...seedsOf({ ...common, method: "random" }, accuracy),
      ...seedsOf({ ...common, method: "kstarts" }, accuracy.map((value) => value + 0.03)),
      ...seedsOf({ ...common, method: "kstarts", retrain: true }, accuracy.map((v) => v + 0.031)),
      ...seedsOf(
        { ...common, method: "dissipating", sparsityPerEpoch: [0.3, 0.6, sparsity, sparsity] },
        [0.84, 0.86, 0.8],
      ),
      ...seedsOf(
        { ...common, method: "kstarts+dissipating", label: "K-starts | dissipating" },
        [0.85, 0.85, 0.83],
      ),
      ...seedsOf({ ...common, method: "kstarts", sanityCheck: "shuffle-layer" }, accuracy),
    );
  }
  results.push(
    makeResult({
      experiment: "paper-mlp",
      method: "random",
      sparsity: 0.9,
      seed: 4,
      status: "diverged",
      wallSeconds,
    }),
    ...seedsOf(
      { experiment: "paper-ae", modelKind: "autoencoder", method: "random", wallSeconds },
      [0.03, 0.031],
    ),
    ...seedsOf(
      { experiment: "paper-ae", modelKind: "autoencoder", method: "kstarts", wallSeconds },
      [0.028, 0.0295],
    ),
  );
  return results;
}

async function readTree(directory: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path.slice(directory.length + 1), await readFile(path, "utf8"));
  }
  return new Map([...files.entries()].sort(([left], [right]) => (left < right ? -1 : 1)));
}

Deno.test("writeReport gives byte-identical directories for the same results in any order", async () => {
  const root = await Deno.makeTempDir({ prefix: "report-test-" });
  try {
    const first = join(root, "first");
    const second = join(root, "second");
    const written = await writeReport(sampleResults(1.5), first, CONTEXT);
    await writeReport(permute(sampleResults(99.25)), second, CONTEXT);
    const firstTree = await readTree(first);
    const secondTree = await readTree(second);
    assert.deepEqual([...firstTree.keys()], written.files);
    assert.deepEqual(secondTree, firstTree);
    const tables = [
      "all",
      "by-setting",
      "claims",
      "controls",
      "disconnected-units",
      "dissipation",
      "paper-ae",
      "paper-mlp",
      "published",
      "ranking",
      "sanity-checks",
      // The paper's claims file asks whether each verdict holds across its sensitivity settings.
      "sensitivity",
      "when-which",
    ];
    assert.deepEqual(written.files, [
      "README_SUMMARY.md",
      "REPORT.md",
      // One forest plot per claim with counted comparisons (C5 has no threshold runs here).
      ...["C1", "C2", "C3", "C4"].flatMap((id) => [
        `figures/forest-${id}-testAccuracy.svg`,
        `figures/forest-${id}-testAccuracy.vl.json`,
      ]),
      "figures/paper-ae-learning-curves.svg",
      "figures/paper-ae-learning-curves.vl.json",
      "figures/paper-ae-metric.svg",
      "figures/paper-ae-metric.vl.json",
      "figures/paper-mlp-dissipation.svg",
      "figures/paper-mlp-dissipation.vl.json",
      "figures/paper-mlp-learning-curves.svg",
      "figures/paper-mlp-learning-curves.vl.json",
      "figures/paper-mlp-metric.svg",
      "figures/paper-mlp-metric.vl.json",
      // Every table twice: CSV and its LaTeX copy.
      ...tables.flatMap((name) => [`tables/${name}.csv`, `tables/${name}.tex`]),
    ]);
    for (const [path, content] of firstTree) {
      assert.ok(!/NaN|undefined|99\.25|wallSeconds/.test(content), `${path} is clean`);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("an incremental run removes stale generated files and matches a fresh run", async () => {
  const root = await Deno.makeTempDir({ prefix: "report-test-" });
  try {
    const incremental = join(root, "incremental");
    const fresh = join(root, "fresh");
    const results = sampleResults();
    await mkdir(join(incremental, "tables"), { recursive: true });
    await mkdir(join(incremental, "figures"), { recursive: true });
    await writeFile(join(incremental, "tables", "old-experiment.csv"), "stale\n");
    await writeFile(join(incremental, "tables", "old-experiment.tex"), "stale\n");
    await writeFile(join(incremental, "figures", "old-experiment-metric.svg"), "<svg/>\n");
    await writeFile(join(incremental, "figures", "old-experiment-metric.vl.json"), "{}\n");
    // First a report of part of the results (one experiment), then of all of them.
    await writeReport(
      results.filter((result) => result.spec.experiment === "paper-ae"),
      incremental,
      CONTEXT,
    );
    await writeReport(results, incremental, CONTEXT);
    await writeReport(results, fresh, CONTEXT);
    assert.deepEqual(await readTree(incremental), await readTree(fresh));
    // Only the report's own kinds of files are touched.
    await writeFile(join(incremental, "tables", "notes.txt"), "keep me\n");
    await writeReport(
      results.filter((result) => result.spec.experiment === "paper-ae"),
      incremental,
      CONTEXT,
    );
    const after = await readTree(incremental);
    assert.equal(after.get("tables/notes.txt"), "keep me\n");
    assert.ok(!after.has("tables/paper-mlp.csv"));
    assert.ok(!after.has("tables/paper-mlp.tex"));
    assert.ok(!after.has("figures/paper-mlp-metric.svg"));
    assert.ok(!after.has("figures/paper-mlp-metric.vl.json"));
    assert.ok(![...after.keys()].some((path) => path.includes(".tmp-")));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("REPORT.md has the claims, tables, figures, sanity checks and diverged runs", async () => {
  const files = await buildReportFiles(sampleResults(), CONTEXT);
  const report = files.get("REPORT.md") as string;
  assert.ok(report.startsWith("# "));
  assert.match(report, /Profile: `smoke`/);
  assert.match(report, /\| paper-mlp \| experiments\/paper\/mlp.json \| abc123 \|/);
  // K-starts is 3 points above random in every seed at both sparsities; the autoencoder's
  // runs report no constant-image error, so its margin (a fraction of it) is unknown.
  assert.match(
    report,
    /\| C1 \| K-starts beats random pruning \| \*\*supported \(rehearsal\)\*\* \| supported \/ supported \| test accuracy ±0\.50 points \| mlp vs random: better ≥ margin at 0\.5-0\.9 \(2 of 2\) \|/,
  );
  assert.match(
    report,
    /\| kstarts \| random \| paper-ae \| 2 \| .* \| the runs do not report the constant-image error/,
  );
  // Retraining adds 0.1 points in every seed: inside ±0.5.
  assert.match(
    report,
    /\| C4 \| .* \| \*\*supported \(rehearsal\)\*\* \| supported \/ supported \|/,
  );
  assert.match(
    report,
    /- test accuracy ±0\.50 points: half a percentage point: the difference the standard study.s seeds were planned to detect/,
  );
  assert.match(report, /\| C5 \| .* \| \*\*not tested\*\* \|/);
  assert.match(
    report,
    /^### fashion-mnist, mlp\[300-100\]; adam, lr 0\.001, batch 128, 4 epochs, cpu$/m,
  );
  // Brackets in captions (model names) are escaped so that the image link stays intact.
  assert.match(report, /!\[(?:[^\]\\]|\\.)*\]\(figures\/paper-mlp-metric.svg\)/);
  // Appendix B links each figure once; the headline figures above are the embedded ones.
  assert.equal(report.match(/\(figures\/paper-mlp-dissipation\.svg\)/g)?.length, 1);
  assert.match(report, /\[paper-mlp-dissipation\.svg\]\(figures\/paper-mlp-dissipation\.svg\)/);
  assert.match(report, /mlp\\\[300-100\\\]/);
  assert.match(report, /K-starts \\\| dissipating/, "pipes in labels are escaped in tables");
  // The shuffled variant is 3 points below K-starts in every seed, at both sparsities: worse.
  assert.match(
    report,
    /^\| kstarts \| shuffle-layer \| -3\.00 \[-3\.00, -3\.00\] worse \| -3\.00 \[-3\.00, -3\.00\] worse \|$/m,
  );
  assert.match(report, /^Claims file: `experiments\/paper\/claims\.json`\.$/m);
  assert.match(
    report,
    /^\| [0-9a-f]{16} \| paper-mlp \| fashion-mnist \| random \| 0\.9 \| 4 \| epoch 2, step 17 \|$/m,
  );
  // Errors with four decimals: (0.028 + 0.0295) / 2 = 0.02875 -> 0.0288 (or 0.0287); the
  // CI's half-width t(0.975, 1) * 0.0015 / 2 = 12.706205 * 0.00075 = 0.0095.
  assert.match(report, /^\| kstarts \| 2 \| 4 \| 0\.028[78] ± 0\.0095 \|$/m);
  for (const line of report.split("\n")) assert.ok(!/NaN/.test(line), line);
  // Every linked figure and table is one of the files written.
  for (const match of report.matchAll(/\]\(((?:figures|tables)\/[^)]+)\)/g)) {
    assert.ok(files.has(match[1]), `${match[1]} exists`);
  }
});

Deno.test("REPORT.md counts a run two experiments share once, as --dry-run does", async () => {
  const own = sampleResults();
  // The baselines file asks for the same random and K-starts runs (same run ids) as paper-mlp:
  // 2 sparsities x 2 methods x 3 seeds = 12 shared runs, and one run of its own.
  const shared = own
    .filter((result) =>
      result.spec.experiment === "paper-mlp" && result.status === "completed" &&
      result.spec.method.label === result.spec.method.name &&
      result.spec.method.retrain === undefined && result.spec.method.sanityCheck === undefined &&
      ["random", "kstarts"].includes(result.spec.method.name)
    )
    .map((result) => ({ ...result, spec: { ...result.spec, experiment: "baselines-mlp" } }));
  assert.equal(shared.length, 12);
  const results = [...own, ...shared];
  const report = (await buildReportFiles(results, { ...CONTEXT, expectedRuns: 43 })).get(
    "REPORT.md",
  ) as string;
  assert.match(
    report,
    /^\*\*What was run:\*\* 41 distinct runs \(40 completed, 1 diverged; 53 counting each experiment's copy of the runs they share\) of 3 experiments/m,
  );
  assert.match(report, /^> \*\*Incomplete: 41 of 43 runs stored\.\*\*/m);
  // Appendix C counts the versions of distinct runs too.
  assert.match(report, /^Versions recorded by the runs: tool [^;]+ \(41 runs\)\.$/m);
  // Complete when every distinct run is stored, however many copies the experiments hold.
  const complete = (await buildReportFiles(results, { ...CONTEXT, expectedRuns: 41 })).get(
    "REPORT.md",
  ) as string;
  assert.doesNotMatch(complete, /Incomplete/);
});

Deno.test("REPORT.md opens with the summary; per-comparison tables are in an appendix", async () => {
  const report = (await buildReportFiles(sampleResults(), CONTEXT)).get("REPORT.md") as string;
  const position = (text: string) => {
    const index = report.indexOf(text);
    assert.ok(index >= 0, `${text} is in the report`);
    return index;
  };
  const order = [
    "## Summary",
    "**What was run:** 41 distinct runs (40 completed, 1 diverged) of 2 experiments",
    "**Caveats:**",
    "| claim | statement | verdict | at ½× / 2× margin | margin | what the data show |",
    "**Methods as run**",
    "### Headline figures",
    "### Where the details are",
    "## How the claims were tested",
    "## Appendix A: comparisons per claim",
    "| dataset | model | sparsity | first | second | experiments | pairs |",
    "## Appendix B: results per experiment",
    "## Appendix C: provenance",
  ];
  const positions = order.map(position);
  assert.deepEqual(positions, [...positions].sort((left, right) => left - right));
  assert.match(report, /sparsities 0\.5, 0\.9; seeds 1-4; 4 epochs \(adam\)/);
  // Each model's headline figure is embedded in the summary.
  const summary = report.slice(0, position("## How the claims were tested"));
  assert.match(summary, /!\[[^\n]*\]\(figures\/paper-mlp-metric\.svg\)/);
  assert.match(summary, /!\[[^\n]*\]\(figures\/paper-ae-metric\.svg\)/);
  assert.doesNotMatch(summary, /dissipation\.svg/);
  // Accuracy in percent with one decimal: random has mean (0.80 + 0.82 + 0.79) / 3, sd
  // 0.015275, CI half-width t(0.975, 2) * 0.015275 / sqrt 3 = 3.79 points (two decimals);
  // 3 seeds, 4 epochs as an integer; at 0.9 the fourth seed diverged.
  assert.match(
    report,
    /^\| random \| 3 \| 4 \| 80\.3 ± 3\.79 \| 80\.3 ± 3\.79 \(1 diverged\) \|$/m,
  );
  // K-starts minus random is 3.00 percentage points in every seed.
  assert.match(
    report,
    /\| 0\.5 \| kstarts \| random \| paper-mlp \| 3 \| 3\.00 \| \[3\.00, 3\.00\] \| 0\.50 \| better by at least the margin \| supports \|/,
  );
});

Deno.test("the quick profile's report says it is a rehearsal; a full profile's does not", async () => {
  const quick = (await buildReportFiles(sampleResults(), { ...CONTEXT, profile: "quick" }))
    .get("REPORT.md") as string;
  const banner = quick.indexOf("**A rehearsal, not evidence.**");
  assert.ok(banner > 0 && banner < quick.indexOf("## Summary"), "the banner comes first");
  assert.match(quick, /\*\*Caveats:\*\* this is a rehearsal at a scale that cannot test/);
  assert.match(quick, /\*\*supported \(rehearsal\)\*\*/);
  assert.match(quick, /Verdict: \*\*supported \(rehearsal\)\*\*/);
  const standard = (await buildReportFiles(sampleResults(), { ...CONTEXT, profile: "standard" }))
    .get("REPORT.md") as string;
  assert.doesNotMatch(standard, /rehearsal/);
  assert.match(standard, /\*\*supported\*\* \|/);
});

Deno.test("integer lists are shortened to ranges", () => {
  assert.equal(describeIntegers([3, 1, 2]), "1-3");
  assert.equal(describeIntegers([1, 4, 7, 8, 9, 4]), "1, 4, 7-9");
  assert.equal(describeIntegers([5]), "5");
  assert.equal(describeIntegers([]), "");
});

Deno.test("an experiment named like a report table is refused", async () => {
  await assert.rejects(
    () => buildReportFiles([makeResult({ experiment: "claims" })], CONTEXT),
    /experiment name "claims" is reserved/,
  );
});

Deno.test("an empty store still gives a complete, valid report", async () => {
  const files = await buildReportFiles([], CONTEXT);
  assert.match(files.get("REPORT.md") as string, /\*\*not tested\*\*/);
  assert.equal((files.get("tables/all.csv") as string).split("\n").length, 2);
});

Deno.test("what was run lists the pruned sparsities and mentions the dense network apart", async () => {
  const results = [
    ...seedsOf({ method: "random", sparsity: 0.9 }, [0.80, 0.82]),
    ...seedsOf({ method: "dense", sparsity: 0 }, [0.90, 0.91]),
  ];
  const report = (await buildReportFiles(results, CONTEXT)).get("REPORT.md") as string;
  assert.match(report, /; sparsities 0\.9 \(and the dense network\); seeds 1-2;/);
});

Deno.test("exploratory comparisons are counted apart in REPORT.md and listed in the CSV", async () => {
  const results = [
    ...seedsOf({ method: "random" }, [0.80, 0.82, 0.79]),
    ...seedsOf({ method: "kstarts" }, [0.83, 0.85, 0.82]),
    ...seedsOf(
      {
        method: "kstarts",
        label: "kstarts (gradient fitness)",
        parameters: { fitness: "gradient" },
      },
      [0.70, 0.71, 0.69],
    ),
  ];
  const files = await buildReportFiles(results, CONTEXT);
  const report = files.get("REPORT.md") as string;
  assert.match(report, /\(1 counted comparisons; 1 exploratory ones in `tables\/claims\.csv`\)/);
  // Exploratory rows go to the CSV only.
  assert.doesNotMatch(report, /\| kstarts \(gradient fitness\) \| random \|/);
  assert.match(
    files.get("tables/claims.csv") as string,
    /^C1,pair,paper,.*,kstarts \(gradient fitness\),.*,exploratory,refutes,/m,
  );
});

Deno.test("a report without a claims file says no claim is judged, naming no empty file list", async () => {
  const report = (await buildReportFiles(sampleResults(), { ...CONTEXT, claims: undefined }))
    .get("REPORT.md") as string;
  assert.match(report, /^No claims file was given \(`--claims`\), so no claim is judged\.$/m);
  assert.doesNotMatch(report, /^Claims files?: /m);
});
