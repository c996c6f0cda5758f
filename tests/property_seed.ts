/**
 * The seed of the property-based tests: fixed, so that a failure reproduces
 * on every machine, printed, so that a failure report names it, and
 * overridable with the `PROPERTY_SEED` environment variable, so that other
 * seeds can be explored (`PROPERTY_SEED=7 deno task test`).
 *
 * @module
 */

/**
 * The seed a property test should pass to fast-check: `PROPERTY_SEED` when
 * set, else `fixedSeed`. Prints which, with the test's name.
 *
 * @throws Error when `PROPERTY_SEED` is not a safe integer
 */
export function propertySeed(testName: string, fixedSeed: number): number {
  const text = Deno.env.get("PROPERTY_SEED");
  const seed = text === undefined ? fixedSeed : Number(text);
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`PROPERTY_SEED must be an integer, got ${JSON.stringify(text)}`);
  }
  console.log(
    `${testName}: property seed ${seed}` +
      (text === undefined ? " (set PROPERTY_SEED to run with another)" : " (from PROPERTY_SEED)"),
  );
  return seed;
}
