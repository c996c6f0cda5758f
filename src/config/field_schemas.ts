/**
 * Building blocks for the experiment-file schema whose error messages say in
 * words what is allowed (`expected an integer >= 1`, `expected a number in
 * [0, 1)`), so that every range violation reads the same way.
 *
 * @module
 */

import { z } from "zod";

/** Inclusive lower (and optional upper) bound of an integer setting. */
export interface IntegerRange {
  /** Smallest allowed value. */
  min: number;
  /** Largest allowed value, if any. */
  max?: number;
}

/** An integer setting, e.g. `integerSchema({ min: 1 })` for a count of epochs. */
export function integerSchema(range: IntegerRange): z.ZodInt {
  const allowed = range.max === undefined
    ? `an integer >= ${range.min}`
    : `an integer in [${range.min}, ${range.max}]`;
  const error = `expected ${allowed}`;
  let schema = z.int({ error }).min(range.min, { error });
  if (range.max !== undefined) schema = schema.max(range.max, { error });
  return schema;
}

/** Bounds of a real-valued setting; each bound is inclusive unless said otherwise. */
export interface NumberRange {
  /** Lower bound, if any. */
  min?: number;
  /** Whether `min` itself is excluded. */
  minExclusive?: boolean;
  /** Upper bound, if any. */
  max?: number;
  /** Whether `max` itself is excluded. */
  maxExclusive?: boolean;
}

/** Words for a range: `a number in [0, 1)`, `a number > 0`, `a number`. */
export function describeNumberRange(range: NumberRange): string {
  const { min, max } = range;
  if (min !== undefined && max !== undefined) {
    return `a number in ${range.minExclusive ? "(" : "["}${min}, ${max}${
      range.maxExclusive ? ")" : "]"
    }`;
  }
  if (min !== undefined) return `a number ${range.minExclusive ? ">" : ">="} ${min}`;
  if (max !== undefined) return `a number ${range.maxExclusive ? "<" : "<="} ${max}`;
  return "a number";
}

/** A real-valued setting, e.g. `numberSchema({ min: 0, max: 1, maxExclusive: true })`. */
export function numberSchema(range: NumberRange): z.ZodNumber {
  const error = `expected ${describeNumberRange(range)}`;
  let schema = z.number({ error });
  if (range.min !== undefined) {
    schema = range.minExclusive
      ? schema.gt(range.min, { error })
      : schema.gte(range.min, { error });
  }
  if (range.max !== undefined) {
    schema = range.maxExclusive
      ? schema.lt(range.max, { error })
      : schema.lte(range.max, { error });
  }
  return schema;
}

/**
 * A name that is safe as a single folder name: 1-64 letters, digits, `-`, `_`
 * or `.`, never `.` alone and never containing `..`.
 */
export const SAFE_NAME_PATTERN = /^(?!\.$)(?!.*\.\.)[A-Za-z0-9._-]{1,64}$/;

/** A string setting that must be a {@link SAFE_NAME_PATTERN safe name}. */
export function safeNameSchema(): z.ZodString {
  const error = 'expected 1-64 letters, digits, "-", "_" or "." (no "/", no "..")';
  return z.string({ error }).regex(SAFE_NAME_PATTERN, { error });
}
