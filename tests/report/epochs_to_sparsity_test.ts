/**
 * Epochs to the target sparsity, run by run, and the paper's C5
 * ("dissipating gradients takes the most epochs to reach high sparsity")
 * judged on it: supported when threshold-mode dissipation reaches the
 * target at least one epoch after K-starts' selection in every seed, not
 * supported when it reaches it no later, and censored runs counted at the
 * least they could have taken.
 *
 * Fixture runs have a 4-epoch budget; `pruningEpochs` p gives
 * `cost.trainingEpochs` 4 - p, so a method without a threshold report
 * fixed its mask after p epochs.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { RunResult } from "../../src/config/types.ts";
import { epochsToTargetSparsity } from "../../src/report/epochs_to_sparsity.ts";
import { at, claim, makeResult } from "./fixtures.ts";
import { paperClaimsReportFiles } from "./fixtures.ts";

const THRESHOLD = { mode: "threshold", fraction: 0.1, pruningEpochs: 3 };

/** Threshold-mode dissipation runs, one per entry: the epoch it reached 0.9 at, or `never`. */
function threshold(reachedAt: (number | "never")[], pruned = 3): RunResult[] {
  return reachedAt.map((epoch, index) =>
    makeResult({
      method: "dissipating",
      label: "dissipating (threshold 0.1)",
      parameters: { ...THRESHOLD, pruningEpochs: pruned },
      pruningEpochs: pruned,
      seed: index + 1,
      methodReport: epoch === "never"
        ? { targetReached: false, reachedSparsity: 0.6, reachedEpoch: pruned }
        : { targetReached: true, targetReachedEpoch: epoch, reachedSparsity: 0.93 },
    })
  );
}

/** K-starts (mask fixed after `selection` epochs) and random (at initialization), `seeds` seeds. */
function baselines(seeds: number, selection = 1): RunResult[] {
  const values = new Array<number>(seeds).fill(0.85);
  return [
    ...at(0.9, { method: "kstarts", pruningEpochs: selection }, values),
    ...at(0.9, { method: "random" }, values),
  ];
}

Deno.test("epochs to the target: measured, censored at E + 1, fixed by the mask otherwise", () => {
  const [reached] = threshold([2]);
  assert.deepEqual(epochsToTargetSparsity(reached), { epochs: 2, censored: false });
  // Pruned 2 epochs without reaching 0.9: needed more than 2, counted as 3 (not the budget 4).
  const [never] = threshold(["never"], 2);
  assert.deepEqual(epochsToTargetSparsity(never), { epochs: 3, censored: true });
  assert.deepEqual(epochsToTargetSparsity(makeResult({ method: "random" })), {
    epochs: 0,
    censored: false,
  });
  assert.deepEqual(epochsToTargetSparsity(makeResult({ method: "kstarts", pruningEpochs: 1 })), {
    epochs: 1,
    censored: false,
  });
  assert.equal(epochsToTargetSparsity(makeResult({ method: "kstarts", retrain: true })), undefined);
  assert.equal(epochsToTargetSparsity(makeResult({ status: "diverged" })), undefined);
  const noEpoch = makeResult({ methodReport: { targetReached: true } });
  assert.equal(epochsToTargetSparsity(noEpoch), undefined);
});

Deno.test("C5 holds: the literal method reaches 0.9 one to three epochs after K-starts", () => {
  // Against K-starts (1 epoch): differences 2, 2, 1, 2, 3: mean 2, sd sqrt(2 / 4) = 0.70711,
  // se 0.31623, t(0.975, 4) = 2.776445, 95% interval 2 ± 0.87799 = [1.12201, 2.87799] > 0.5.
  // Against random (0 epochs): 3, 3, 2, 3, 4: mean 3, the same spread: [2.12201, 3.87799].
  const c5 = claim([...threshold([3, 3, 2, 3, 4]), ...baselines(5)], "C5");
  assert.equal(c5.verdict, "supported");
  assert.equal(c5.countedCells, 2);
  const [kstarts, random] = ["kstarts", "random"].map((name) => {
    const cell = c5.cells.find((candidate) => candidate.second === name);
    assert.ok(cell, name);
    return cell;
  });
  assert.equal(kstarts.quantity, "epochsToTargetSparsity");
  assert.equal(kstarts.comparison.meanDifference, 2);
  assert.ok(Math.abs((kstarts.interval?.low ?? 0) - 1.12201) < 1e-5);
  assert.ok(Math.abs((random.interval?.high ?? 0) - 3.87799) < 1e-5);
  assert.equal(kstarts.decision.margin, 0.5);
  assert.equal(kstarts.decision.outcome, "better by at least the margin");
  assert.equal(kstarts.dataset, "fashion-mnist");
  assert.deepEqual(kstarts.censored, { first: 0, second: 0 });
});

Deno.test("C5 fails: reaching 0.9 in the same epoch as K-starts is no practical difference", () => {
  // Every seed reaches the target at epoch 1, K-starts fixes its mask after 1: difference 0
  // with no spread, [0, 0] inside ±0.5: that cell refutes, so the claim is not supported.
  const c5 = claim([...threshold([1, 1, 1]), ...baselines(3)], "C5");
  assert.equal(c5.verdict, "not supported");
  assert.equal(c5.reason, "no practical difference");
  const kstarts = c5.cells.find((cell) => cell.second === "kstarts");
  assert.equal(kstarts?.decision.outcome, "no practical difference");
  assert.equal(kstarts?.decision.verdict, "refutes");
  // Against random (0 epochs) it still takes one epoch more in every seed.
  assert.equal(c5.cells.find((cell) => cell.second === "random")?.decision.verdict, "supports");
  // K-starts with 2 selection epochs takes longer: the opposite.
  const opposite = claim([...threshold([1, 1, 1]), ...baselines(3, 2)], "C5");
  assert.equal(opposite.verdict, "not supported");
  assert.equal(opposite.reason, "the opposite");
});

Deno.test("C5 with censored runs: a run that never reaches 0.9 counts at its lower bound", () => {
  // Seeds 1-3 reach it at 2, 2, and never within 2 pruning epochs (counted 3): against
  // K-starts 1, 1, 2 with mean 4/3 and sd 0.57735: 4/3 ± 4.302653 · 0.33333 = [-0.10, 2.77]:
  // undecided; censoring at the budget (4) would have made it 1, 1, 3 instead.
  const c5 = claim([...threshold([2, 2, "never"], 2), ...baselines(3)], "C5");
  const kstarts = c5.cells.find((cell) => cell.second === "kstarts");
  assert.ok(kstarts);
  assert.deepEqual(kstarts.censored, { first: 1, second: 0 });
  assert.ok(Math.abs((kstarts.comparison.meanDifference ?? 0) - 4 / 3) < 1e-12);
  assert.ok(Math.abs((kstarts.interval?.low ?? 0) - (4 / 3 - 4.302653 / 3)) < 1e-5);
  assert.equal(kstarts.decision.verdict, "undecided");
  assert.equal(c5.verdict, "undecided");
});

Deno.test("C5 in REPORT.md: epochs wording, the dataset column and the censored runs", async () => {
  const results = [...threshold([2, 2, "never"], 2), ...baselines(3)];
  const files = await paperClaimsReportFiles(results);
  const report = files.get("REPORT.md") ?? "";
  const appendix = report.slice(report.indexOf("### C5"));
  assert.match(appendix, /\| dataset \| model \| sparsity \|/);
  assert.match(
    appendix,
    /\| fashion-mnist \| mlp\[300-100\] \| 0\.9 \| dissipating \(threshold 0\.1\) \|/,
  );
  assert.match(
    appendix,
    /here 2 of the first side's and 0 of the second side's runs, over 6 pairs/,
  );
  assert.match(appendix, /more epochs by at least the margin/);
  assert.match(report, /epochs to the target sparsity ±0\.50 epochs: half an epoch/);
  // The summary says how much of the verdict rests on lower bounds.
  assert.match(
    report,
    /\| C5 \| .*; in 2 of the 6 pairs the first side's run never reached the target \(counted at its lower bound\) \|/,
  );
  assert.match(
    files.get("tables/claims.csv") ?? "",
    /C5,pair,.*,epochsToTargetSparsity,true,0\.500000,/,
  );
});
