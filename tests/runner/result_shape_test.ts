/**
 * The store checks a stored result against the shape it writes: a result
 * file with a field missing, of the wrong type, out of its range, or with
 * settings that do not hash to its run id is an error naming the file and the
 * field, never a result.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runId } from "../../src/config/run_id.ts";
import { ResultStore } from "../../src/runner/store.ts";
import { resultShapeProblem } from "../../src/runner/result_shape.ts";
import { fakeResult, specsOf, tinyExperiment } from "./fixtures.ts";

const [SPEC] = specsOf(tinyExperiment());

/** A fresh, valid result as plain JSON, for tampering. */
function validDocument(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(fakeResult(SPEC)));
}

/** Stores `document` as SPEC's result and asserts that reading it fails naming the file and `field`. */
async function assertRefused(document: unknown, field: string, detail: RegExp): Promise<void> {
  const root = await Deno.makeTempDir();
  try {
    const store = new ResultStore(root);
    const path = join(root, `${runId(SPEC)}.json`);
    await Deno.writeTextFile(path, JSON.stringify(document, null, 1) + "\n");
    await assert.rejects(store.read(SPEC), (error: Error) => {
      assert.ok(error.message.startsWith(`${path}: `), error.message);
      assert.ok(error.message.includes(`${field}:`), `${field} not named: ${error.message}`);
      assert.match(error.message, detail);
      assert.doesNotMatch(error.message, /\n/);
      return true;
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** A result as parsed JSON; tampering reaches into nested fields of any type. */
// deno-lint-ignore no-explicit-any
type Editable = Record<string, any>;

/** A valid document with `edit` applied. */
function tampered(edit: (document: Editable) => void): Record<string, unknown> {
  const document = validDocument();
  edit(document);
  return document;
}

Deno.test("result shape: the results the store writes pass, with unknown extra fields and null metrics", async () => {
  assert.equal(resultShapeProblem(validDocument()), undefined);
  assert.equal(resultShapeProblem({ ...validDocument(), laterField: "sparse" }), undefined);
  const root = await Deno.makeTempDir();
  try {
    const store = new ResultStore(root);
    const diverged = fakeResult(SPEC);
    diverged.status = "diverged";
    diverged.divergedAt = { epoch: 1, step: 3 };
    diverged.primaryMetric.value = Number.NaN;
    diverged.metrics.testLoss = Number.NaN;
    diverged.curve[0].trainLoss = Number.NaN;
    await store.write(diverged);
    const read = await store.read(SPEC);
    assert.ok(Number.isNaN(read?.primaryMetric.value));
    assert.ok(Number.isNaN(read?.metrics.testLoss));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("result shape: a result holding only its run id is refused", async () => {
  await assertRefused({ runId: runId(SPEC) }, "$.schemaVersion", /missing/);
});

Deno.test("result shape: each missing top-level field is named", async () => {
  const required = [
    "schemaVersion",
    "spec",
    "status",
    "primaryMetric",
    "metrics",
    "sparsity",
    "cost",
    "curve",
    "methodReport",
    "wallSeconds",
    "versions",
  ];
  for (const field of required) {
    await assertRefused(tampered((document) => delete document[field]), `$.${field}`, /missing/);
  }
});

Deno.test("result shape: missing nested fields are named by their path", async () => {
  await assertRefused(
    tampered((document) => delete document.primaryMetric.value),
    "$.primaryMetric.value",
    /missing/,
  );
  await assertRefused(
    tampered((document) => delete document.sparsity.perLayer[0].pruned),
    "$.sparsity.perLayer[0].pruned",
    /missing/,
  );
  await assertRefused(
    tampered((document) => delete document.curve[0].phase),
    "$.curve[0].phase",
    /missing/,
  );
  await assertRefused(
    tampered((document) => delete document.spec.training.epochs),
    "$.spec.training.epochs",
    /missing/,
  );
});

Deno.test("result shape: a field of the wrong type is named with what was found", async () => {
  const cases: [(document: Editable) => void, string, RegExp][] = [
    // A number written as text.
    [(document) => document.primaryMetric.value = "0.75", "$.primaryMetric.value", /"0\.75"/],
    // Text written as a number.
    [(document) => document.versions.tool = 1, "$.versions.tool", /expected a string, found 1/],
    // An object where a list belongs.
    [(document) => document.curve = {}, "$.curve", /expected an array/],
    // A boolean as a string.
    [
      (document) => document.primaryMetric.higherIsBetter = "true",
      "$.primaryMetric.higherIsBetter",
      /"true"/,
    ],
    // null where no NaN can be (a sparsity is never non-finite).
    [(document) => document.sparsity.achieved = null, "$.sparsity.achieved", /null/],
    // A metric map holding text.
    [(document) => document.metrics.testLoss = "low", "$.metrics.testLoss", /"low"/],
    // A method report holding an object.
    [(document) => document.methodReport.note = { a: 1 }, "$.methodReport.note", /found/],
  ];
  for (const [edit, field, detail] of cases) await assertRefused(tampered(edit), field, detail);
});

Deno.test("result shape: values outside their kind or range are named", async () => {
  const cases: [(document: Editable) => void, string, RegExp][] = [
    [(document) => document.schemaVersion = 2, "$.schemaVersion", /found 2/],
    [(document) => document.status = "done", "$.status", /"done"/],
    [(document) => document.cost.totalEpochs = 1.5, "$.cost.totalEpochs", /integer/],
    [(document) => document.cost.pruningEpochs = -1, "$.cost.pruningEpochs", /found -1/],
    [(document) => document.sparsity.achieved = 1.5, "$.sparsity.achieved", /found 1\.5/],
    [(document) => document.curve[0].phase = "warmup", "$.curve[0].phase", /"warmup"/],
    [(document) => document.divergedAt = { epoch: 1 }, "$.divergedAt.step", /missing/],
    [(document) => document.wallSeconds = -0.5, "$.wallSeconds", /found -0\.5/],
  ];
  for (const [edit, field, detail] of cases) await assertRefused(tampered(edit), field, detail);
});

Deno.test("result shape: settings that do not hash to the run id are refused", async () => {
  // Seed 1's result with seed 2's settings: every field well typed, the numbers not this run's.
  await assertRefused(
    tampered((document) => document.spec.seed = SPEC.seed + 1),
    "$.spec",
    /settings are those of run [0-9a-f]{16}, not of/,
  );
});

Deno.test("result shape: disconnected units are optional, and checked when present", async () => {
  // Results stored before the count was recorded have none.
  assert.equal(resultShapeProblem(validDocument()), undefined);
  const counted = tampered((document) =>
    document.sparsity.disconnectedUnits = [
      { layer: "dense_0", units: 300, noInput: 4, noOutput: 0 },
    ]
  );
  assert.equal(resultShapeProblem(counted), undefined);
  await assertRefused(
    tampered((document) =>
      document.sparsity.disconnectedUnits = [{
        layer: "dense_0",
        units: 300,
        noInput: -1,
        noOutput: 0,
      }]
    ),
    "$.sparsity.disconnectedUnits[0].noInput",
    /found -1/,
  );
  await assertRefused(
    tampered((document) =>
      document.sparsity.disconnectedUnits = [{ layer: "dense_0", units: 300, noInput: 1 }]
    ),
    "$.sparsity.disconnectedUnits[0].noOutput",
    /missing/,
  );
});
