/**
 * The zod schema of a claims file: claims as data, each with its two sides
 * (method selectors), its scope, its kind, how its cells combine and the
 * margin it is judged at. Unknown keys are errors at every level; the rules
 * that span fields (a dropped claim has a reason and no sides, a margin
 * named by a claim exists, ids are unique) live in `parse_claims.ts`.
 *
 * @module
 */

import { z } from "zod";
import { numberSchema } from "./field_schemas.ts";
import { METHOD_NAMES } from "./method_parameters.ts";
import { DATASET_NAMES } from "./experiment_schema.ts";

/** One side of a claim: which runs it takes, by their resolved method settings. */
export const methodSelectorSchema = z.strictObject({
  method: z.enum(METHOD_NAMES).optional().describe(
    "Registry name (`spec.method.name`); absent: any method.",
  ),
  label: z.string().min(1).optional().describe(
    "Only runs with this label; absent: any label (labelled variants are exploratory unless " +
      'the claim says `"variants": "counted"`).',
  ),
  retrain: z.boolean().default(false).describe("`spec.method.retrain`; default false."),
  sanityCheck: z.enum(["none", "shuffle-layer", "reinitialize"]).default("none").describe(
    "`spec.method.sanityCheck`; default `none`.",
  ),
  settings: z.record(z.string(), z.json()).optional().describe(
    "Further method settings the runs must have, e.g. " +
      '`{"initialization": "density-aware"}` or `{"allocation": "uniform"}`.',
  ),
});

/** Which runs a claim is about. */
export const claimScopeSchema = z.strictObject({
  datasets: z.array(z.enum(DATASET_NAMES)).min(1).optional().describe("Datasets; absent: all."),
  models: z.array(z.string().min(1)).min(1).optional().describe(
    "Model kinds (`mlp`, `autoencoder`) or descriptions (`mlp[300-100]`); absent: all.",
  ),
  experiments: z.array(z.string().min(1)).min(1).optional().describe(
    "Experiment names; a comparison counts when any experiment asking for its runs is listed.",
  ),
  sparsities: z.array(numberSchema({ min: 0, max: 1, maxExclusive: true })).min(1).optional()
    .describe("Exactly these sparsities; absent: all."),
  minSparsity: numberSchema({ min: 0, max: 1, maxExclusive: true }).optional().describe(
    "Sparsities at or above this.",
  ),
  maxSparsity: numberSchema({ min: 0, max: 1, maxExclusive: true }).optional().describe(
    "Sparsities at or below this.",
  ),
});

/** A margin for one metric: absolute, or a fraction of the data's constant-image error. */
export const metricMarginSchema = z.strictObject({
  absolute: numberSchema({ min: 0, minExclusive: true }).optional().describe(
    "The margin in the metric's own unit (test accuracy as a fraction: 0.005 = half a point).",
  ),
  fractionOfConstantImageError: numberSchema({ min: 0, minExclusive: true }).optional().describe(
    "The margin as a fraction of the error of predicting the training-mean image " +
      "(`metrics.meanImageError`, a property of the data set, not of any trained network).",
  ),
  basis: z.string().min(1).describe("Why this margin: printed in the report."),
});

/** A named margin rule: one entry per metric it applies to. */
export const marginRuleSchema = z.strictObject({
  testAccuracy: metricMarginSchema.optional(),
  reconstructionError: metricMarginSchema.optional(),
  epochsToTargetSparsity: metricMarginSchema.optional().describe(
    "The margin of a claim about `epochsToTargetSparsity`, in epochs (`absolute` only).",
  ),
});

/**
 * What a claim compares, run by run: each run's primary metric, or the
 * epochs its network trained before its mask reached the target sparsity
 * (`src/report/epochs_to_sparsity.ts`).
 */
export const CLAIM_QUANTITIES = ["primaryMetric", "epochsToTargetSparsity"] as const;

/** A quantity a claim compares (see {@link CLAIM_QUANTITIES}). */
export type ClaimQuantity = "primaryMetric" | "epochsToTargetSparsity";

/** The file-level sensitivity check: which experiments' labelled variants it reads. */
export const sensitivitySchema = z.strictObject({
  experiments: z.array(z.string().min(1)).min(1).describe(
    "Experiments whose labelled variants (another parameter value, learning rate or budget) " +
      "replace the default methods of each claim's counted comparisons, to see whether the " +
      "verdict holds across these settings.",
  ),
});

/** One claim (active or dropped; the cross-field rules are checked after the schema). */
export const claimSchema = z.strictObject({
  id: z.string().min(1).describe("Short id, e.g. `C1`."),
  statement: z.string().min(1).describe("The claim in its authors' words."),
  status: z.enum(["active", "dropped"]).default("active").describe(
    "`dropped`: not tested, with `reason`.",
  ),
  reason: z.string().min(1).optional().describe("Why a dropped claim is not tested."),
  kind: z.enum(["superiority", "equivalence"]).optional().describe(
    "`superiority`: first better than second by more than the margin; `equivalence`: the " +
      "two within ±margin (TOST).",
  ),
  combination: z.enum(["every", "any"]).default("every").describe(
    "`every`: the claim holds in every cell of its scope; `any`: in at least one.",
  ),
  first: methodSelectorSchema.optional().describe("The method the claim is about."),
  second: z.array(methodSelectorSchema).min(1).optional().describe(
    "What it is compared with; each selector gives its own cells.",
  ),
  twinsDifferingIn: z.array(z.string().min(1)).min(1).optional().describe(
    "Pair a first run only with second runs whose method settings are equal apart from the " +
      "label and these keys (e.g. `retrain`).",
  ),
  variants: z.enum(["exploratory", "counted"]).default("exploratory").describe(
    "`exploratory`: cells where a side runs under a label other than its registry name are " +
      "shown in tables/claims.csv but do not decide the verdict.",
  ),
  scope: claimScopeSchema.default({}).describe("Which runs the claim is about."),
  margin: z.string().min(1).optional().describe("Name of a rule in `margins`."),
  quantity: z.enum(CLAIM_QUANTITIES).default("primaryMetric").describe(
    "What is compared: each run's primary metric (default), or `epochsToTargetSparsity`, the " +
      "epochs its network trained before its mask reached the target sparsity.",
  ),
  direction: z.enum(["more", "fewer"]).optional().describe(
    "For a quantity other than the primary metric: whether the claim is that the first side " +
      "has more or fewer of it (required there; the primary metric's direction is its own).",
  ),
});

/** A claims file. */
export const claimsFileSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1).describe("Name of the set of claims."),
  description: z.string().optional(),
  alpha: numberSchema({ min: 0, max: 0.5, minExclusive: true }).default(0.05).describe(
    "Error rate of each claim's verdict; intervals are at 1 - alpha (two-sided).",
  ),
  margins: z.record(z.string().min(1), marginRuleSchema).describe("Named margin rules."),
  sensitivity: sensitivitySchema.optional().describe(
    "Check each verdict against the variants of these experiments (absent: no check).",
  ),
  claims: z.array(claimSchema).min(1),
});

/** A claims file as validated. */
export type ClaimsFileDocument = z.infer<typeof claimsFileSchema>;

/** A method selector as validated (defaults filled in): which runs one side of a claim takes. */
export interface MethodSelector {
  /** Registry name; absent: any method. */
  method?: string | undefined;
  /** Only runs with this label; absent: any label. */
  label?: string | undefined;
  /** `spec.method.retrain`. */
  retrain: boolean;
  /** `spec.method.sanityCheck`. */
  sanityCheck: string;
  /** Further method settings the runs must have. */
  settings?: Record<string, unknown> | undefined;
}

/** A claim's scope as validated: which runs the claim is about (absent: all). */
export interface ClaimScope {
  /** Datasets. */
  datasets?: string[] | undefined;
  /** Model kinds or descriptions. */
  models?: string[] | undefined;
  /** Experiment names. */
  experiments?: string[] | undefined;
  /** Exactly these sparsities. */
  sparsities?: number[] | undefined;
  /** Sparsities at or above this. */
  minSparsity?: number | undefined;
  /** Sparsities at or below this. */
  maxSparsity?: number | undefined;
}

/** A margin for one metric, resolved: exactly one of the two forms. */
export type MetricMargin =
  | { kind: "absolute"; value: number; basis: string }
  | { kind: "fractionOfConstantImageError"; value: number; basis: string };

/** Claim kinds. */
export type ClaimKind = "superiority" | "equivalence";

/** A claim that is tested. */
export interface ActiveClaim {
  /** Short id. */
  id: string;
  /** The claim in its authors' words. */
  statement: string;
  /** Always `active`. */
  status: "active";
  /** Superiority (by more than the margin) or equivalence (within it). */
  kind: ClaimKind;
  /** Whether the claim must hold in every cell or in any. */
  combination: "every" | "any";
  /** The method the claim is about. */
  first: MethodSelector;
  /** What it is compared with. */
  second: MethodSelector[];
  /** Keys in which paired variants may differ (besides the label); absent: any pairs. */
  twinsDifferingIn: string[] | undefined;
  /** Whether labelled variants count or are exploratory. */
  variants: "exploratory" | "counted";
  /** Which runs. */
  scope: ClaimScope;
  /** What the claim compares run by run. */
  quantity: ClaimQuantity;
  /**
   * For a quantity other than the primary metric: whether the first side is
   * claimed to have more or fewer of it; `undefined` for the primary metric.
   */
  direction: "more" | "fewer" | undefined;
  /** Name of the margin rule. */
  marginName: string;
  /** The margin per metric name. */
  margins: Record<string, MetricMargin>;
}

/** A claim that is not tested, with the reason. */
export interface DroppedClaim {
  /** Short id. */
  id: string;
  /** The claim in its authors' words. */
  statement: string;
  /** Always `dropped`. */
  status: "dropped";
  /** Why it is not tested. */
  reason: string;
}

/** A claims file, validated and resolved. */
export interface ClaimsFile {
  /** The file as the user named it. */
  file: string;
  /** The text it was parsed from, so that a study folder can keep a copy of it. */
  text?: string;
  /** Name of the set of claims. */
  name: string;
  /** Error rate of each verdict. */
  alpha: number;
  /** Experiments whose labelled variants check each verdict; absent: no check. */
  sensitivityExperiments?: string[];
  /** The claims, in file order. */
  claims: (ActiveClaim | DroppedClaim)[];
}
