import assert from "node:assert/strict";
import { aggregateResults } from "../../src/report/aggregate.ts";
import { dissipationPoints } from "../../src/report/dissipation.ts";
import { dissipationFigures, methodColours, metricFigures } from "../../src/report/figures.ts";
import { escapeXml, niceTicks, renderLineChart } from "../../src/report/svg.ts";
import { makeResult, permute, seedsOf } from "./fixtures.ts";

/** Checks that every tag is closed in order and returns the element names seen. */
function assertWellFormed(svg: string): string[] {
  assert.ok(svg.startsWith("<svg "), "starts with <svg");
  assert.ok(svg.endsWith("</svg>\n"), "ends with </svg>");
  assert.ok(!/NaN|undefined|Infinity/.test(svg), "no non-numbers");
  const stack: string[] = [];
  const seen: string[] = [];
  const text = svg.replace(/>[^<]*</g, "><");
  assert.ok(!/&(?!(amp|lt|gt|quot|apos);)/.test(svg), "ampersands are escaped");
  for (const match of text.matchAll(/<(\/?)([a-zA-Z]+)([^>]*?)(\/?)>/g)) {
    const [, closing, name, attributes, selfClosing] = match;
    assert.ok(!/[<]/.test(attributes), `no raw < in attributes of ${name}`);
    if (closing) assert.equal(stack.pop(), name, `closing </${name}> matches`);
    else {
      seen.push(name);
      if (!selfClosing) stack.push(name);
    }
  }
  assert.deepEqual(stack, [], "every element closed");
  return seen;
}

Deno.test("nice ticks cover the range with round steps", () => {
  assert.deepEqual(niceTicks(0.5, 0.99), { ticks: [0.5, 0.6, 0.7, 0.8, 0.9, 1], step: 0.1 });
  assert.deepEqual(niceTicks(0, 0.033).ticks, [0, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035]);
  assert.deepEqual(niceTicks(0.012, 0.024).ticks, [0.012, 0.014, 0.016, 0.018, 0.02, 0.022, 0.024]);
  assert.deepEqual(niceTicks(1, 12).ticks, [0, 2, 4, 6, 8, 10, 12]);
  const single = niceTicks(0.9, 0.9);
  assert.ok(single.ticks[0] <= 0.9 && single.ticks[single.ticks.length - 1] >= 0.9);
  assert.ok(single.ticks.length >= 2);
});

Deno.test("escapeXml escapes markup characters", () => {
  assert.equal(escapeXml(`a<b>&"c'`), "a&lt;b&gt;&amp;&quot;c&apos;");
});

Deno.test("a line chart is well formed, with one polyline per series and a band", () => {
  const svg = renderLineChart({
    title: "accuracy <vs> sparsity & co",
    xLabel: "sparsity",
    yLabel: "accuracy",
    series: [
      {
        name: "K-starts <k=5>",
        colour: "#4e79a7",
        points: [
          { x: 0.5, y: 0.9, low: 0.88, high: 0.92 },
          { x: 0.9, y: 0.85, low: 0.8, high: 0.9 },
        ],
      },
      { name: "random", colour: "#f28e2b", points: [{ x: 0.9, y: 0.8 }, { x: 0.5, y: NaN }] },
      { name: "empty", colour: "#e15759", points: [] },
    ],
  });
  const elements = assertWellFormed(svg);
  assert.equal(elements.filter((name) => name === "polyline").length, 3);
  assert.equal(elements.filter((name) => name === "polygon").length, 1);
  assert.ok(svg.includes("K-starts &lt;k=5&gt;"));
  assert.ok(svg.includes("accuracy &lt;vs&gt; sparsity &amp; co"));
  assert.match(svg, /fill-opacity="0.18"/);
  // Every coordinate has exactly two decimals.
  for (const match of svg.matchAll(/points="([^"]*)"/g)) {
    for (const pair of match[1].split(" ").filter((item) => item !== "")) {
      assert.match(pair, /^-?\d+\.\d{2},-?\d+\.\d{2}$/);
    }
  }
});

function experimentResults() {
  return [
    ...[0.5, 0.9].flatMap((sparsity) => [
      ...seedsOf({ method: "random", sparsity }, [0.8, 0.82, 0.79]),
      ...seedsOf({ method: "kstarts", sparsity }, [0.85, 0.84, 0.86]),
      ...seedsOf({ method: "dissipating", sparsity, sparsityPerEpoch: [0.2, 0.5, sparsity] }, [
        0.86,
        0.85,
        0.87,
      ]),
    ]),
    makeResult({ method: "snip", sparsity: 0.9, value: 0.7 }),
    makeResult({ method: "snip", sparsity: 0.5, status: "diverged" }),
  ];
}

Deno.test("metric figures: one polyline per method, deterministic under permutation", () => {
  const results = experimentResults();
  const build = (input: typeof results) => {
    const rows = aggregateResults(input);
    return metricFigures(rows, methodColours(rows));
  };
  const figures = build(results);
  assert.equal(figures.length, 1);
  assert.equal(figures[0].path, "figures/paper-metric.svg");
  const elements = assertWellFormed(figures[0].svg);
  assert.equal(elements.filter((name) => name === "polyline").length, 4);
  // Three methods with several seeds have bands at both sparsities; snip has one seed.
  assert.equal(elements.filter((name) => name === "polygon").length, 3);
  assert.deepEqual(build(permute(results)), figures);
  assert.deepEqual(build([...results].reverse()), figures);
});

Deno.test("method colours follow the paper's order and are stable", () => {
  const colours = methodColours(aggregateResults(experimentResults()));
  assert.deepEqual([...colours.keys()], ["random", "kstarts", "dissipating", "snip"]);
  assert.equal(colours.get("random"), "#4e79a7");
});

Deno.test("dissipation figure has one line per method and target", () => {
  const figures = dissipationFigures(dissipationPoints(experimentResults()));
  assert.equal(figures.length, 1);
  assert.equal(figures[0].path, "figures/paper-dissipation.svg");
  const elements = assertWellFormed(figures[0].svg);
  assert.equal(elements.filter((name) => name === "polyline").length, 2);
  assert.ok(figures[0].svg.includes("dissipating @ 0.9"));
  assert.deepEqual(dissipationFigures(dissipationPoints(seedsOf({ method: "random" }, [1]))), []);
});

Deno.test("experiments with several datasets get one metric figure per dataset and model", () => {
  const rows = aggregateResults([
    makeResult({ method: "random", dataset: "mnist" }),
    makeResult({ method: "random", modelKind: "autoencoder" }),
  ]);
  assert.deepEqual(metricFigures(rows, methodColours(rows)).map((figure) => figure.path), [
    "figures/paper-fashion-mnist-autoencoder-256-64-256-metric.svg",
    "figures/paper-mnist-mlp-300-100-metric.svg",
  ]);
});
