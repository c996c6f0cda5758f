/**
 * Verifying a store: recompute a seeded random sample of its stored runs and
 * compare each with the stored result, bit for bit. This is what shows that
 * committed numbers are genuine without recomputing the whole study.
 *
 * Compared: the whole result as stored (every metric, the learning curve,
 * the masks' per-layer counts, the cost, the method's report, the status),
 * numbers by their exact JSON text, which writes every double so that it
 * reads back to the same bits. Not compared, because they cannot be
 * reproduced or do not describe the computation:
 *
 * - `wallSeconds`: the time the run took;
 * - `versions`: the tool, Deno, tfjs and backend versions that computed it
 *   (a difference is reported beside the verdict, since it may explain a
 *   mismatch, but is not one itself);
 * - `spec.experiment`: which experiment file asked for the run (runs shared
 *   by two experiments are stored once, under either name);
 * - a field of {@link FIELDS_RECORDED_LATER} that the stored result lacks: a
 *   run stored before this version recorded it keeps its run id (its settings
 *   did not change), and verifies on every field it holds. When the stored
 *   result has the field, it is compared like any other.
 *
 * @module
 */
import { canonicalJson, runId } from "../config/run_id.ts";
import type { RunResult, RunSpec } from "../config/types.ts";
import { describeFoundValue, formatJsonPath } from "../config/errors.ts";
import { Rng } from "../rng.ts";
import { type DataProvider, executeRun } from "./run_one.ts";
import type { ResultStore } from "./store.ts";

/** The runs of `specs` whose results are stored, one per run id, in run-id order. */
export async function storedRuns(
  specs: readonly RunSpec[],
  store: ResultStore,
): Promise<RunSpec[]> {
  const unique = new Map<string, RunSpec>();
  for (const spec of specs) if (!unique.has(runId(spec))) unique.set(runId(spec), spec);
  const stored: RunSpec[] = [];
  for (const id of [...unique.keys()].sort()) {
    const spec = unique.get(id)!;
    if (await store.has(spec)) stored.push(spec);
  }
  return stored;
}

/**
 * `size` runs drawn without replacement from `runs` by a generator seeded
 * with `seed` (all of them when there are fewer), in the order drawn. The
 * same runs, seed and size always give the same sample.
 */
export function sampleRuns(runs: readonly RunSpec[], size: number, seed: number): RunSpec[] {
  const order = new Rng(`verify/${seed}`).permutation(runs.length);
  return Array.from(order.slice(0, Math.min(size, runs.length)), (index) => runs[index]);
}

/** A difference between a stored and a recomputed result. */
export interface ResultDifference {
  /** JSON path of the differing value, e.g. `$.metrics.testAccuracy`. */
  path: string;
  /** The stored value, described for a message. */
  stored: string;
  /** The recomputed value, described for a message. */
  recomputed: string;
}

/** The outcome of verifying one run. */
export interface VerifiedRun {
  /** The run. */
  spec: RunSpec;
  /** True when the recomputed result equals the stored one in every compared field. */
  match: boolean;
  /** Up to {@link MAX_DIFFERENCES} differing fields (empty on a match). */
  differences: ResultDifference[];
  /** Stored and recomputed `versions` when they differ (not a mismatch by themselves). */
  versionNote?: string;
  /** Seconds the recomputation took. */
  seconds: number;
}

/** Differences listed per mismatching run. */
export const MAX_DIFFERENCES = 3;

/**
 * Paths of result fields that runs stored by earlier versions lack, because
 * they were recorded later, with settings (and run ids) unchanged:
 * `sparsity.disconnectedUnits`.
 */
export const FIELDS_RECORDED_LATER: readonly (readonly string[])[] = [
  ["sparsity", "disconnectedUnits"],
];

/** Removes from `recomputed` each field of {@link FIELDS_RECORDED_LATER} that `stored` lacks. */
function withoutFieldsStoredLacks(
  stored: Record<string, unknown>,
  recomputed: Record<string, unknown>,
): void {
  for (const path of FIELDS_RECORDED_LATER) {
    let storedParent: unknown = stored;
    let recomputedParent: unknown = recomputed;
    for (const segment of path.slice(0, -1)) {
      storedParent = (storedParent as Record<string, unknown> | undefined)?.[segment];
      recomputedParent = (recomputedParent as Record<string, unknown> | undefined)?.[segment];
    }
    const last = path[path.length - 1];
    const isRecord = (value: unknown): value is Record<string, unknown> =>
      value !== null && typeof value === "object" && !Array.isArray(value);
    if (
      isRecord(recomputedParent) && !(isRecord(storedParent) && Object.hasOwn(storedParent, last))
    ) {
      delete recomputedParent[last];
    }
  }
}

/** A result as JSON without the fields verify does not compare. */
function comparable(result: Record<string, unknown>): Record<string, unknown> {
  const { wallSeconds: _wallSeconds, versions: _versions, ...rest } = result;
  const spec = rest.spec as Record<string, unknown> | undefined;
  if (spec !== null && typeof spec === "object") {
    const { experiment: _experiment, ...settings } = spec;
    rest.spec = settings;
  }
  return rest;
}

function collectDifferences(
  stored: unknown,
  recomputed: unknown,
  path: (string | number)[],
  found: ResultDifference[],
): void {
  if (found.length >= MAX_DIFFERENCES) return;
  const bothObjects = stored !== null && recomputed !== null && typeof stored === "object" &&
    typeof recomputed === "object" && Array.isArray(stored) === Array.isArray(recomputed);
  if (bothObjects) {
    const storedRecord = stored as Record<string, unknown>;
    const recomputedRecord = recomputed as Record<string, unknown>;
    const keys = Array.isArray(stored)
      ? Array.from(
        { length: Math.max(stored.length, (recomputed as unknown[]).length) },
        (_, index) => index,
      )
      : [...new Set([...Object.keys(storedRecord), ...Object.keys(recomputedRecord)])].sort();
    for (const key of keys) {
      collectDifferences(
        storedRecord[key as keyof typeof storedRecord],
        recomputedRecord[key as keyof typeof recomputedRecord],
        [...path, key],
        found,
      );
    }
    return;
  }
  const same = stored === undefined || recomputed === undefined
    ? stored === recomputed
    : canonicalJson(stored) === canonicalJson(recomputed);
  if (!same) {
    found.push({
      path: formatJsonPath(path),
      stored: describeFoundValue(stored),
      recomputed: describeFoundValue(recomputed),
    });
  }
}

/**
 * Compares a stored result file's parsed JSON with a recomputed result;
 * returns the differing fields (empty when they match).
 */
export function compareResults(
  stored: Record<string, unknown>,
  recomputed: RunResult,
): ResultDifference[] {
  // Through JSON, as the store writes it: NaN becomes null, -0 becomes 0.
  const written = JSON.parse(JSON.stringify(recomputed)) as Record<string, unknown>;
  withoutFieldsStoredLacks(stored, written);
  const differences: ResultDifference[] = [];
  collectDifferences(comparable(stored), comparable(written), [], differences);
  return differences;
}

/** Recomputes one stored run and compares it with its stored result. */
export async function verifyRun(
  spec: RunSpec,
  store: ResultStore,
  data: DataProvider,
): Promise<VerifiedRun> {
  // Read through the store first: a malformed file is an error naming it, not a mismatch.
  await store.read(spec);
  const stored = JSON.parse(await Deno.readTextFile(store.resultPath(spec)));
  const started = performance.now();
  const recomputed = await executeRun(spec, data);
  const seconds = (performance.now() - started) / 1000;
  const differences = compareResults(stored, recomputed);
  const storedVersions = canonicalJson(stored.versions ?? null);
  const recomputedVersions = canonicalJson(recomputed.versions);
  return {
    spec,
    match: differences.length === 0,
    differences,
    versionNote: storedVersions === recomputedVersions
      ? undefined
      : `stored with ${storedVersions}, recomputed with ${recomputedVersions}`,
    seconds,
  };
}
