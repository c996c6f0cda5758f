/** The generated field reference of experiment files: current, complete, and read right. */
import assert from "node:assert/strict";
import {
  describeType,
  FIELD_REFERENCE_URL,
  fieldReferenceMarkdown,
} from "../../src/config/field_reference.ts";
import { experimentJsonSchema } from "../../src/config/json_schema.ts";
import { METHOD_NAMES } from "../../src/config/method_parameters.ts";

Deno.test("field reference: docs/experiment_fields.md is current (regenerate: deno task schema)", async () => {
  assert.equal(await Deno.readTextFile(FIELD_REFERENCE_URL), fieldReferenceMarkdown());
});

Deno.test("field reference: every top-level field, every method and its parameters are listed", () => {
  const text = fieldReferenceMarkdown();
  const schema = experimentJsonSchema() as { properties: Record<string, unknown> };
  for (const field of Object.keys(schema.properties)) {
    assert.ok(text.includes(`\n| \`${field}\` | `), field);
  }
  for (const method of METHOD_NAMES) assert.ok(text.includes(`### \`"${method}"\``), method);
  // A parameter with its values and default, and one that is required.
  assert.match(text, /^\| `k` \| integer >= 1 \| `5` \| Number of random candidate masks/m);
  assert.match(text, /^\| `sparsities` \| non-empty list of number in \[0, 1\) \| required \|/m);
  assert.match(text, /^\| `training\.momentum` \| number in \[0, 1\) \| `0\.9` \|/m);
  // Methods without parameters of their own say so.
  assert.match(text, /### `"dense"`\n\n[^\n]+\n\nNo parameters of its own\./);
});

Deno.test("field reference: value ranges, lists and choices in words", () => {
  assert.equal(
    describeType({ type: "number", exclusiveMinimum: 0, maximum: 1 }),
    "number in (0, 1]",
  );
  assert.equal(describeType({ type: "integer", minimum: 1 }), "integer >= 1");
  assert.equal(
    describeType({ type: "number", exclusiveMinimum: 0, maximum: 3.4028234663852886e38 }),
    "number > 0",
  );
  assert.equal(describeType({ type: "number", exclusiveMaximum: 2 }), "number < 2");
  assert.equal(
    describeType({
      type: "array",
      minItems: 1,
      items: { type: "integer", minimum: 0, maximum: 9 },
    }),
    "non-empty list of integer in [0, 9]",
  );
  assert.equal(describeType({ type: "array", items: { type: "string" } }), "list of string");
  assert.equal(describeType({ type: "string", enum: ["a", "b"] }), '`"a"`, `"b"`');
  assert.equal(describeType({ const: "mlp" }), '`"mlp"`');
  assert.equal(
    describeType({ type: "string", minLength: 1, maxLength: 80 }),
    "string of 1-80 characters",
  );
  assert.equal(
    describeType({ oneOf: [{ type: "object" }, { type: "object" }] }),
    "object, one of the kinds below",
  );
});
