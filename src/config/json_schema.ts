/**
 * The JSON Schema of experiment files, generated from the zod schema, for
 * editors (completion, hover descriptions, defaults) and for readers.
 *
 * @module
 */

import { z } from "zod";
import { experimentFileSchema } from "./experiment_schema.ts";

/** Zod writes this as the upper bound of every integer; it only clutters the schema. */
const SAFE_INTEGER_BOUND = Number.MAX_SAFE_INTEGER;

/**
 * The JSON Schema (draft-07, which editors support best) of an experiment
 * file: every key with its description, enums and defaults. Deterministic.
 */
export function experimentJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(experimentFileSchema, {
    io: "input",
    target: "draft-7",
    override: ({ jsonSchema }) => {
      if (jsonSchema.maximum === SAFE_INTEGER_BOUND) delete jsonSchema.maximum;
      if (jsonSchema.minimum === -SAFE_INTEGER_BOUND) delete jsonSchema.minimum;
    },
  }) as Record<string, unknown>;
}

/** The schema as the text of `experiments/schema.json`: 2-space JSON and a final newline. */
export function experimentJsonSchemaText(): string {
  return `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`;
}
