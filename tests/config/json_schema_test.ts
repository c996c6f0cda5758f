import assert from "node:assert/strict";
import { experimentJsonSchema, experimentJsonSchemaText } from "../../src/config/json_schema.ts";
import { JSON_SCHEMA_URL } from "../../src/config/write_json_schema.ts";
import { METHOD_NAMES } from "../../src/config/method_parameters.ts";

Deno.test("experiments/schema.json is current (regenerate: deno run --allow-write src/config/write_json_schema.ts)", async () => {
  const committed = await Deno.readTextFile(JSON_SCHEMA_URL);
  assert.equal(committed, experimentJsonSchemaText());
});

Deno.test("the JSON schema carries descriptions, enums and defaults for editors", () => {
  // deno-lint-ignore no-explicit-any
  const schema = experimentJsonSchema() as any;
  assert.equal(schema.additionalProperties, false);
  assert.deepEqual(schema.required.sort(), ["dataset", "methods", "name", "sparsities"]);
  assert.equal(schema.properties.training.properties.learningRate.default, 0.001);
  assert.ok(schema.properties.training.properties.epochs.description.length > 0);
  assert.deepEqual(schema.properties.dataset.enum, [
    "fashion-mnist",
    "mnist",
    "fashion-mnist-embedded",
    "synthetic",
  ]);
  const methodNames = schema.properties.methods.items.oneOf.map(
    (option: { properties: { name: { const: string } } }) => option.properties.name.const,
  );
  assert.deepEqual(methodNames, [...METHOD_NAMES]);
  const kstarts = schema.properties.methods.items.oneOf[METHOD_NAMES.indexOf("kstarts")];
  assert.deepEqual(kstarts.properties.fitness.enum, ["magnitude", "gradient", "combined"]);
  assert.equal(kstarts.properties.k.default, 5);
  assert.equal(kstarts.additionalProperties, false);
  assert.ok(!JSON.stringify(schema).includes(String(Number.MAX_SAFE_INTEGER)));
});
