/**
 * A truncated experiment file (an editor or a copy cut short) is reported at
 * the line and column where the text ends, like any other JSON syntax error.
 *
 * @module
 */

import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/errors.ts";
import { parseExperimentText } from "../../src/config/mod.ts";

Deno.test("a truncated file's error names the line and column just past its end", () => {
  // Line 3 is `  "dataset": ` (13 characters): the text ends before column 14.
  const text = '{\n  "name": "x",\n  "dataset": ';
  assert.throws(
    () => parseExperimentText(text, "cut.json"),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message === "cut.json: invalid JSON at line 3, column 14: Unexpected end of JSON input",
  );
});
