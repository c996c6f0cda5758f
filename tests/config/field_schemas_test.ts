import assert from "node:assert/strict";
import { describeNumberRange, numberSchema } from "../../src/config/field_schemas.ts";

Deno.test("describeNumberRange: the words for every kind of bound", () => {
  assert.equal(describeNumberRange({ min: 0, max: 1 }), "a number in [0, 1]");
  assert.equal(
    describeNumberRange({ min: 0, minExclusive: true, max: 1, maxExclusive: true }),
    "a number in (0, 1)",
  );
  assert.equal(describeNumberRange({ min: 0 }), "a number >= 0");
  assert.equal(describeNumberRange({ min: 0, minExclusive: true }), "a number > 0");
  assert.equal(describeNumberRange({ max: 1 }), "a number <= 1");
  assert.equal(describeNumberRange({ max: 1, maxExclusive: true }), "a number < 1");
  assert.equal(describeNumberRange({}), "a number");
});

Deno.test("numberSchema: a one-sided range bounds one side only, and its error says which", () => {
  const atMostOne = numberSchema({ max: 1 });
  assert.equal(atMostOne.safeParse(-1e9).success, true);
  assert.equal(atMostOne.safeParse(1).success, true);
  const tooBig = atMostOne.safeParse(1.5);
  assert.equal(tooBig.success, false);
  assert.equal(tooBig.error?.issues[0].message, "expected a number <= 1");
  const positive = numberSchema({ min: 0, minExclusive: true });
  assert.equal(positive.safeParse(1e9).success, true);
  assert.equal(positive.safeParse(0).error?.issues[0].message, "expected a number > 0");
  const any = numberSchema({});
  assert.equal(any.safeParse(-1e300).success, true);
  assert.equal(any.safeParse("1").error?.issues[0].message, "expected a number");
});
