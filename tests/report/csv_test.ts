import assert from "node:assert/strict";
import { aggregateBySetting, aggregateResults, rankMethods } from "../../src/report/aggregate.ts";
import { evaluateClaims } from "../../src/report/claims.ts";
import {
  bySettingTable,
  CLAIMS_HEADER,
  claimsCsv,
  DISSIPATION_HEADER,
  dissipationCsv,
  rankingCsv,
  resultTableCsv,
  SANITY_HEADER,
  sanityChecksCsv,
  tableCsv,
  toCsv,
} from "../../src/report/csv.ts";
import { dissipationPoints } from "../../src/report/dissipation.ts";
import { fileSafeName, formatFixed, formatPValue, formatSetting } from "../../src/report/format.ts";
import { makeResult, PAPER_CLAIMS, seedsOf } from "./fixtures.ts";

Deno.test("number formats are fixed and never NaN", () => {
  assert.equal(formatFixed(0.1 + 0.2), "0.300000");
  assert.equal(formatFixed(-1e-9), "0.000000");
  assert.equal(formatFixed(undefined), "");
  assert.equal(formatFixed(NaN), "");
  assert.equal(formatFixed(-Infinity), "-inf");
  assert.equal(formatSetting(0.95), "0.95");
  assert.equal(formatSetting(0.5), "0.5");
  assert.equal(formatSetting(1), "1");
  assert.equal(formatSetting(0.9999999), "1");
  assert.equal(formatPValue(0.012345678), "0.01235");
  assert.equal(formatPValue(1.5e-9), "1.500e-9");
  assert.equal(formatPValue(0), "0");
  assert.equal(fileSafeName("paper/mlp fashion"), "paper-mlp-fashion");
  assert.equal(fileSafeName("mlp[300-100]"), "mlp-300-100");
  assert.equal(fileSafeName(".."), "_..");
});

Deno.test("toCsv quotes what needs quoting and ends lines with \\n", () => {
  assert.equal(
    toCsv(["a", "b"], [["x,y", 'say "hi"'], ["", "z"]]),
    'a,b\n"x,y","say ""hi"""\n,z\n',
  );
});

Deno.test("results table: exact bytes of a tiny case", () => {
  const rows = aggregateResults([
    makeResult({ method: "random", label: "Random, fixed", seed: 1, value: 0.8 }),
    makeResult({ method: "random", label: "Random, fixed", seed: 2, value: 0.9 }),
    makeResult({ method: "random", label: "Random, fixed", seed: 3, status: "diverged" }),
    makeResult({ method: "kstarts", sparsity: 0.5, value: 0.95 }),
  ]);
  // 0.85 ± t(0.975, 1) · 0.0707107 / sqrt 2 = 0.85 ± 0.635310; one seed: no std, no CI.
  const expected =
    "comparison,experiment,dataset,model,method,methodName,retrain,sanityCheck,settingsId," +
    "sparsity,metric,higherIsBetter,n,mean,std,ci95Low,ci95High,meanAchievedSparsity," +
    "meanPruningEpochs,meanTotalEpochs,constantImageError,diverged,collapsedLayerRuns\n" +
    "paper,paper,fashion-mnist,mlp[300-100],kstarts,kstarts,false,none,644e30ea,0.5," +
    "testAccuracy,true,1,0.950000,,,,0.500000,0.000000,4.000000,,0,0\n" +
    'paper,paper,fashion-mnist,mlp[300-100],"Random, fixed",random,false,none,a3af7543,0.9,' +
    "testAccuracy,true,2,0.850000,0.070711,0.214690,1.485310,0.900000,0.000000,4.000000,,1,0\n";
  assert.equal(resultTableCsv(rows), expected);
});

/** Parses simple CSV (no quoted newlines) into rows of cells. */
function parseCsv(text: string): string[][] {
  assert.ok(text.endsWith("\n"));
  assert.ok(!text.includes("\r"));
  return text.slice(0, -1).split("\n").map((line) => {
    const cells: string[] = [];
    let current = "";
    let quoted = false;
    for (let index = 0; index < line.length; index++) {
      const character = line[index];
      if (quoted) {
        if (character === '"' && line[index + 1] === '"') {
          current += '"';
          index++;
        } else if (character === '"') quoted = false;
        else current += character;
      } else if (character === '"') quoted = true;
      else if (character === ",") {
        cells.push(current);
        current = "";
      } else current += character;
    }
    cells.push(current);
    return cells;
  });
}

Deno.test("claims, ranking, dissipation and sanity tables are rectangular and NaN-free", () => {
  const results = [
    ...seedsOf({ method: "random" }, [0.8, 0.81, 0.79]),
    ...seedsOf({ method: "kstarts" }, [0.85, 0.86, 0.83]),
    ...seedsOf({ method: "kstarts", sanityCheck: "shuffle-layer" }, [0.8, 0.8, 0.8]),
    makeResult({ method: "dissipating", seed: 1, sparsityPerEpoch: [0.3, 0.6, 0.9, 0.9] }),
    makeResult({ method: "dissipating", seed: 2, sparsityPerEpoch: [0.5, 0.7, 0.9, 0.9] }),
    makeResult({ method: "dissipating", seed: 3, status: "diverged" }),
    // Restarted from a fixed mask: not part of the dissipation table.
    makeResult({ method: "dissipating", seed: 1, retrain: true }),
  ];
  const evaluation = evaluateClaims(results, [PAPER_CLAIMS]);
  const rows = aggregateResults(results);
  const tables: Array<[string, string, readonly string[]]> = [
    ["claims", claimsCsv(evaluation), CLAIMS_HEADER],
    ["sanity", sanityChecksCsv(evaluation), SANITY_HEADER],
    ["dissipation", dissipationCsv(dissipationPoints(results)), DISSIPATION_HEADER],
    ["ranking", rankingCsv(rankMethods(rows)), []],
  ];
  for (const [name, text, header] of tables) {
    assert.ok(!/NaN|undefined|null/.test(text), `${name} has no NaN`);
    const parsed = parseCsv(text);
    if (header.length > 0) assert.deepEqual(parsed[0], [...header], `${name} header`);
    for (const row of parsed) assert.equal(row.length, parsed[0].length, `${name} row width`);
  }
  const claims = parseCsv(claimsCsv(evaluation));
  const c1Overall = claims.find((row) => row[0] === "C1" && row[1] === "overall");
  assert.equal(c1Overall?.[CLAIMS_HEADER.indexOf("verdict")], "supported");
  const c1Pair = claims.find((row) => row[0] === "C1" && row[1] === "pair");
  assert.equal(c1Pair?.[CLAIMS_HEADER.indexOf("pairs")], "3");
  assert.equal(c1Pair?.[CLAIMS_HEADER.indexOf("meanDifference")], "0.046667");
  // Differences 0.05, 0.05, 0.04: sd 0.0057735, se 0.0033333, t(0.975, 2) = 4.302653:
  // upper end 0.046667 + 0.014342 = 0.061009; far above the 0.005 margin.
  assert.equal(c1Pair?.[CLAIMS_HEADER.indexOf("intervalHigh")], "0.061009");
  assert.equal(c1Pair?.[CLAIMS_HEADER.indexOf("margin")], "0.005000");
  assert.equal(c1Pair?.[CLAIMS_HEADER.indexOf("outcome")], "better by at least the margin");
  assert.equal(c1Pair?.[CLAIMS_HEADER.indexOf("verdict")], "supports");
  assert.equal(c1Overall?.[CLAIMS_HEADER.indexOf("verdictAtDoubleMargin")], "supported");
  const dissipation = parseCsv(dissipationCsv(dissipationPoints(results)));
  // Diverged run excluded: two runs per epoch, epoch 1 mean (0.3 + 0.5) / 2.
  assert.deepEqual(dissipation[1].slice(3), [
    "dissipating",
    dissipation[1][4],
    "0.9",
    "1",
    "2",
    "0.400000",
    "0.300000",
    "0.500000",
  ]);
  assert.equal(dissipation.length, 1 + 4);
});

Deno.test("results by setting: runs two experiments share are one row, with its training", () => {
  const paper = seedsOf({ experiment: "paper", method: "random" }, [0.8, 0.9]);
  const results = [
    ...paper,
    ...paper.map((result) => ({ ...result, spec: { ...result.spec, experiment: "baselines" } })),
    makeResult({ experiment: "baselines", method: "random", seed: 3, value: 0.85 }),
  ];
  const rows = aggregateBySetting(results);
  assert.equal(rows.length, 1);
  // Seeds 1-3 once each: mean 0.85, sd 0.05, half-width t(0.975, 2) * 0.05 / sqrt 3 = 0.124207.
  assert.equal(
    tableCsv(bySettingTable(rows)),
    "experiments,dataset,model,training,method,methodName,retrain,sanityCheck,settingsId," +
      "sparsity,metric,higherIsBetter,n,mean,std,ci95Low,ci95High,meanAchievedSparsity," +
      "meanPruningEpochs,meanTotalEpochs,constantImageError,diverged,collapsedLayerRuns\n" +
      `"baselines, paper",fashion-mnist,mlp[300-100],"adam, lr 0.001, batch 128, 4 epochs, cpu",` +
      `random,random,false,none,${rows[0].settingsId},0.9,testAccuracy,true,3,0.850000,` +
      "0.050000,0.725793,0.974207,0.900000,0.000000,4.000000,,0,0\n",
  );
});
