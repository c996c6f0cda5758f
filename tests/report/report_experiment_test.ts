import assert from "node:assert/strict";
import type { RunResult } from "../../src/config/types.ts";
import { buildReportFiles, type ReportContext } from "../../src/report/write_report.ts";
import { makeResult, seedsOf } from "./fixtures.ts";

const CONTEXT: ReportContext = { profile: "standard", experiments: [], versions: {} };

/** Appendix B of the report of `results`. */
async function appendixB(results: RunResult[]): Promise<string> {
  const report = (await buildReportFiles(results, CONTEXT)).get("REPORT.md") as string;
  return report.slice(report.indexOf("## Appendix B"), report.indexOf("## Appendix C"));
}

/** The same runs under another training (SGD), with run ids of their own. */
function withSgd(results: RunResult[], experiment: string): RunResult[] {
  return results.map((result) => ({
    ...result,
    runId: `5${result.runId.slice(1)}`,
    spec: {
      ...result.spec,
      experiment,
      training: { ...result.spec.training, optimizer: "sgd", learningRate: 0.05, momentum: 0.9 },
    },
  }));
}

Deno.test("Appendix B: runs two experiments share are one table, each row once", async () => {
  const paper = [
    ...seedsOf({ experiment: "paper-mlp", method: "random" }, [0.80, 0.82, 0.79]),
    ...seedsOf({ experiment: "paper-mlp", method: "kstarts" }, [0.83, 0.85, 0.82]),
  ];
  const baselines = [
    ...paper.map((result) => ({
      ...result,
      spec: { ...result.spec, experiment: "baselines-mlp" },
    })),
    // A seed of random pruning that only the baselines ask for.
    ...seedsOf({ experiment: "baselines-mlp", method: "random", seeds: [4] }, [0.83]),
    ...seedsOf({ experiment: "baselines-mlp", method: "snip", sparsity: 0.5 }, [0.88, 0.89]),
    ...seedsOf({ experiment: "baselines-mlp", method: "dense", sparsity: 0 }, [0.90, 0.91]),
  ];
  const appendix = await appendixB([...paper, ...baselines]);
  assert.equal(appendix.match(/^### fashion-mnist, mlp\[300-100\]/gm)?.length, 1);
  assert.match(appendix, /^Experiments: baselines-mlp, paper-mlp\. Test accuracy \(%\), higher/m);
  // Dense (sparsity 0) is a sentence: mean 90.5, half-width t(0.975, 1) * 0.007071 / sqrt 2 =
  // 12.706205 * 0.005 = 6.35 points.
  assert.match(appendix, /Unpruned, dense: 90\.5 ± 6\.35 \(2 seeds, 4 epochs\)\./);
  assert.match(appendix, /^\| method \| seeds \| epochs \| 0\.5 \| 0\.9 \|$/m);
  // Four seeds, not seven or three: the shared runs count once and the baselines' own seed
  // joins them. Mean 0.81; sd sqrt(0.001 / 3) = 0.018257; half-width t(0.975, 3) * 0.018257 / 2
  // = 3.182446 * 0.0091287 = 2.91 points.
  assert.match(appendix, /^\| random \| 4 \| 4 \| {2}\| 81\.0 ± 2\.91 \|$/m);
  assert.match(appendix, /^\| kstarts \| 3 \| 4 \| {2}\| 83\.3 ± 3\.79 \|$/m);
  assert.match(appendix, /^\| snip \| 2 \| 4 \| 88\.5 ± 6\.35 \| {2}\|$/m);
  assert.equal(appendix.match(/^\| random \|/gm)?.length, 1);
  assert.match(appendix, /\[baselines-mlp\]\(tables\/baselines-mlp\.csv\)/);
  assert.match(appendix, /No sanity-check runs\. No run diverged\./);
});

Deno.test("Appendix B: another training is another table; repeated names get settings ids", async () => {
  const adam = [
    ...seedsOf({ experiment: "paper-mlp", method: "random" }, [0.80, 0.82, 0.79]),
    ...seedsOf(
      { experiment: "paper-mlp", method: "kstarts", parameters: { k: 5 } },
      [0.83, 0.85, 0.82],
    ),
    // Another experiment asks for K-starts with other settings under the same label.
    ...seedsOf(
      { experiment: "ablations-mlp", method: "kstarts", parameters: { k: 3 } },
      [0.70, 0.70, 0.70],
    ),
  ];
  const sgd = withSgd(
    seedsOf({ experiment: "ablations-sgd", method: "random" }, [0.60, 0.62, 0.61]),
    "ablations-sgd",
  );
  const appendix = await appendixB([...adam, ...sgd]);
  assert.match(
    appendix,
    /^### fashion-mnist, mlp\[300-100\]; adam, lr 0\.001, batch 128, 4 epochs, cpu$/m,
  );
  assert.match(
    appendix,
    /^### fashion-mnist, mlp\[300-100\]; sgd, lr 0\.05, momentum 0\.9, batch 128, 4 epochs, cpu$/m,
  );
  // The SGD runs are not averaged with the Adam ones: 61.0 is theirs alone.
  assert.match(appendix, /^\| random \| 3 \| 4 \| 61\.0 ± 2\.48 \|$/m);
  assert.match(appendix, /^\| random \| 3 \| 4 \| 80\.3 ± 3\.79 \|$/m);
  const kstarts = [...appendix.matchAll(/^\| kstarts \[([0-9a-f]{8})\] \| 3 \| 4 \| ([\d.]+) /gm)];
  assert.equal(kstarts.length, 2, appendix);
  assert.notEqual(kstarts[0][1], kstarts[1][1]);
  assert.deepEqual(kstarts.map((match) => match[2]).sort(), ["70.0", "83.3"]);
});

Deno.test("Appendix B: what sets a cell apart is said in it", async () => {
  const results = [
    // Errors above the constant image's 0.02 floor, and a layer pruned away in one run.
    ...seedsOf(
      { modelKind: "autoencoder", method: "random", meanImageError: 0.02 },
      [0.021, 0.023],
    ),
    makeResult({
      modelKind: "autoencoder",
      method: "kstarts",
      seed: 1,
      value: 0.015,
      meanImageError: 0.02,
      collapsedLayers: ["dense_1"],
    }),
    makeResult({ modelKind: "autoencoder", method: "kstarts", seed: 2, status: "diverged" }),
    // A dissipating run that stopped at 0.8 of its 0.9 target.
    ...seedsOf({ modelKind: "autoencoder", method: "dissipating", achieved: 0.8 }, [0.018]),
  ];
  const appendix = await appendixB(results);
  assert.match(appendix, /Error of predicting the training-mean image: 0\.0200\./);
  assert.match(
    appendix,
    /^\| random \| 2 \| 4 \| 0\.0220 ± 0\.0127 \(no better than a constant image\) \|$/m,
  );
  assert.match(
    appendix,
    /^\| kstarts \| 1 \| 4 \| 0\.0150 \(1 diverged; 1 with a layer pruned entirely\) \|$/m,
  );
  assert.match(appendix, /^\| dissipating \| 1 \| 4 \| 0\.0180 \(reached 0\.800\) \|$/m);
  assert.match(appendix, /^\| [0-9a-f]{16} \| paper \| fashion-mnist \| kstarts \| 0\.9 \| 2 \|/m);
});
