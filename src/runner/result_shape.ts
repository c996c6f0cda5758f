/**
 * The shape of a stored run result, checked when the store reads one: every
 * field the store writes ({@link RunResult}) must be present with its type,
 * and the settings must hash to the run id. A file that parses but is
 * incomplete (cut by hand, written by a broken tool, `{"runId": "..."}`) is
 * then an error naming the file and the field, like a corrupt one, instead of
 * a result that breaks the report or, worse, feeds it a wrong number.
 *
 * Fields this version does not know are allowed (a later version may add
 * some); `null` stands for NaN wherever a metric may be non-finite (JSON has
 * no NaN: see store.ts).
 *
 * @module
 */
import { z } from "zod";
import type { RunResult } from "../config/types.ts";
import { runId } from "../config/run_id.ts";
import { describeFoundValue, formatJsonPath, valueAtPath } from "../config/errors.ts";
import { describeExpectation } from "../config/zod_issues.ts";

const count = z.number().int().min(0);
/** A metric: a number, or `null` for the NaN of a diverged run. */
const metric = z.number().nullable();
const fraction = z.number().min(0).max(1);

const runSpecShape = z.object({
  experiment: z.string(),
  dataset: z.string(),
  model: z.object({ kind: z.enum(["mlp", "autoencoder"]), hidden: z.array(count) }),
  training: z.object({
    optimizer: z.enum(["adam", "sgd"]),
    learningRate: z.number(),
    momentum: z.number(),
    batchSize: count,
    epochs: count,
  }),
  method: z.object({ name: z.string(), label: z.string() }),
  sparsity: fraction,
  seed: z.number().int(),
  backend: z.enum(["wasm", "cpu"]),
  // Optional: results written before the sparse engine have none (and other run ids).
  engine: z.enum(["auto", "dense"]).optional(),
  // Absent for revision 1 of the `auto` rule (src/config/engine_revision.ts).
  engineRevision: z.literal(2).optional(),
});

/** The zod schema of a stored {@link RunResult}. */
export const runResultShape = z.object({
  schemaVersion: z.literal(1),
  runId: z.string().regex(/^[0-9a-f]{16}$/),
  spec: runSpecShape,
  status: z.enum(["completed", "diverged"]),
  divergedAt: z.object({ epoch: count, step: count }).optional(),
  primaryMetric: z.object({
    name: z.enum(["testAccuracy", "reconstructionError"]),
    value: metric,
    higherIsBetter: z.boolean(),
  }),
  metrics: z.record(z.string(), metric),
  sparsity: z.object({
    target: fraction,
    achieved: fraction,
    perLayer: z.array(z.object({
      layer: z.string(),
      total: count,
      pruned: count,
      sparsity: fraction,
    })),
    collapsedLayers: z.array(z.string()),
    // Optional: results written before it was recorded have none (and the same run ids).
    disconnectedUnits: z.array(z.object({
      layer: z.string(),
      units: count,
      noInput: count,
      noOutput: count,
    })).optional(),
  }),
  cost: z.object({ pruningEpochs: count, trainingEpochs: count, totalEpochs: count }),
  curve: z.array(z.object({
    epoch: count,
    phase: z.enum(["pruning", "training"]),
    trainLoss: metric,
    testMetric: metric,
    sparsity: fraction,
  })),
  methodReport: z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()])),
  wallSeconds: z.number().min(0),
  versions: z.object({
    tool: z.string(),
    deno: z.string(),
    tfjs: z.string(),
    backend: z.string(),
  }),
  engine: z.object({
    setting: z.enum(["auto", "dense"]),
    sparseEpochs: count,
    denseEpochs: count,
  }).optional(),
});

/**
 * What is wrong with a parsed result file, as `<JSON path>: <problem>`, or
 * `undefined` when it has the shape the store writes and its settings hash
 * to its run id.
 */
export function resultShapeProblem(value: unknown): string | undefined {
  const parsed = runResultShape.safeParse(value, { error: describeExpectation });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const segments = issue.path.map((segment) =>
      typeof segment === "number" ? segment : String(segment)
    );
    const found = valueAtPath(value, segments);
    return found.present
      ? `${formatJsonPath(segments)}: ${issue.message}, found ${describeFoundValue(found.value)}`
      : `${formatJsonPath(segments)}: missing; ${issue.message}`;
  }
  const result = value as RunResult;
  // Parsed JSON holds nothing canonicalJson refuses (no NaN, no undefined).
  const settingsId = runId(result.spec);
  if (settingsId !== result.runId) {
    return `$.spec: the settings are those of run ${settingsId}, not of ${result.runId}`;
  }
  return undefined;
}
