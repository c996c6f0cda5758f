import assert from "node:assert/strict";
import {
  ConfigError,
  describeFoundValue,
  escapeLineBreaking,
  formatJsonPath,
  valueAtPath,
} from "../../src/config/errors.ts";
import { closestName, editDistance } from "../../src/config/did_you_mean.ts";

Deno.test("formatJsonPath writes identifiers with dots and other keys in brackets", () => {
  assert.equal(formatJsonPath([]), "$");
  assert.equal(formatJsonPath(["methods", 1, "k"]), "$.methods[1].k");
  assert.equal(formatJsonPath(["grid", "training.epochs", 0]), '$.grid["training.epochs"][0]');
  assert.equal(formatJsonPath(["$schema"]), "$.$schema");
});

Deno.test("ConfigError is one line with file, path and detail, exit code 2", () => {
  const error = new ConfigError("a.json", "$.x", "expected 1,\n found 2");
  assert.equal(error.message, "a.json: $.x: expected 1, found 2");
  assert.equal(error.exitCode, 2);
  assert.ok(error instanceof Error);
  assert.equal(new ConfigError("a.json", null, "gone").message, "a.json: gone");
});

Deno.test("describeFoundValue quotes short values and summarises long ones", () => {
  assert.equal(describeFoundValue("x"), '"x"');
  assert.equal(describeFoundValue([300, 100]), "[300,100]");
  assert.equal(describeFoundValue(Array.from({ length: 30 }, (_, i) => i)), "an array of 30 items");
  assert.equal(describeFoundValue({ a: "x".repeat(50) }), "an object");
});

Deno.test("valueAtPath tells a missing key from a null value", () => {
  assert.deepEqual(valueAtPath({ a: [null] }, ["a", 0]), { present: true, value: null });
  assert.deepEqual(valueAtPath({ a: [] }, ["a", 0]), { present: false });
  assert.deepEqual(valueAtPath({ a: 1 }, ["a", "b"]), { present: false });
});

Deno.test("closestName suggests near misses only", () => {
  assert.equal(editDistance("kitten", "sitting"), 3);
  assert.equal(closestName("lerningRate", ["batchSize", "learningRate"]), "learningRate");
  assert.equal(closestName("EPOCHS", ["epochs"]), "epochs");
  assert.equal(closestName("optimiser", ["optimizer", "momentum"]), "optimizer");
  assert.equal(closestName("zzz", ["epochs", "k"]), undefined);
});

Deno.test("escapeLineBreaking: controls and Unicode separators become \\u escapes, the rest stays", () => {
  assert.equal(
    escapeLineBreaking("a\u2028b\u2029c\u0085d\u0000e\tf\u007fg\u009fh é→"),
    "a\\u2028b\\u2029c\\u0085d\\u0000e\\u0009f\\u007fg\\u009fh é→",
  );
  const error = new ConfigError("x\u2028.json", "$.a", 'unknown key "k\u0085"');
  assert.equal(error.message, 'x\\u2028.json: $.a: unknown key "k\\u0085"');
  assert.equal(error.file, "x\u2028.json", "the file is kept as named, only the message escapes");
});
