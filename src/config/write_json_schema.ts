/**
 * Writes `experiments/schema.json` from the experiment schema. Run after
 * changing a setting or a method:
 * `deno run --allow-write src/config/write_json_schema.ts`.
 *
 * @module
 */

import { experimentJsonSchemaText } from "./json_schema.ts";

/** Where the generated schema lives, relative to the repository root. */
export const JSON_SCHEMA_URL = new URL("../../experiments/schema.json", import.meta.url);

if (import.meta.main) {
  await Deno.writeTextFile(JSON_SCHEMA_URL, experimentJsonSchemaText());
  console.log(`wrote ${JSON_SCHEMA_URL.pathname}`);
}
