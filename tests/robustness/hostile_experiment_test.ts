/**
 * Guarantee 5: a hostile experiment file (missing keys, wrong types,
 * out-of-range numbers, unknown keys, random JSON or bytes, deep nesting,
 * names with path separators, huge strings) always gives a ConfigError with
 * exit code 2 and a one-line message, never another exception; through the
 * CLI, one stderr line, no stack trace and no output directory. Property-based
 * with fast-check: over 10,000 generated files per run, in process, from a
 * fixed seed that the test prints (set `PROPERTY_SEED` to explore others).
 * Generated text includes C0 and C1 control characters and the Unicode line
 * and paragraph separators, which a one-line message must escape.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { join } from "node:path";
import { ConfigError } from "../../src/config/errors.ts";
import { expandExperiment, parseExperimentText } from "../../src/config/mod.ts";
import {
  exists,
  listDirectory,
  looksLikeStackTrace,
  REPO_ROOT,
  runCli,
  withTempDir,
} from "./helpers.ts";
import { propertySeed } from "../property_seed.ts";

const FILE = "fuzz.json";

/**
 * Characters a one-line message must never contain raw: C0 controls, DEL, C1
 * controls (U+0085 "next line" among them) and the Unicode line and paragraph
 * separators U+2028 and U+2029, which terminals and JSON-in-JS treat as breaks.
 */
// deno-lint-ignore no-control-regex -- matching control characters is the point
const UNSAFE_IN_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** One character: mostly ordinary, often a control or separator character. */
const hostileCharacter = fc.oneof(
  fc.string({ minLength: 1, maxLength: 1 }),
  fc.integer({ min: 0x00, max: 0x1f }).map((code) => String.fromCharCode(code)),
  fc.integer({ min: 0x7f, max: 0x9f }).map((code) => String.fromCharCode(code)),
  fc.constantFrom("\u2028", "\u2029", "\u0085", "\u200b", "\ufeff"),
);

/** Strings over {@link hostileCharacter}. */
const hostileString = (maxLength = 20) => fc.string({ unit: hostileCharacter, maxLength });

/** Whether a learning rate is one the format accepts: positive and a finite float32. */
function isValidLearningRate(value: number): boolean {
  return value > 0 && value <= 3.4028234663852886e38;
}

/** A valid experiment using every part of the format (methods, grid, profiles). */
const BASE: Record<string, unknown> = {
  ...JSON.parse(Deno.readTextFileSync(join(REPO_ROOT, "experiments", "smoke.json"))),
  grid: { "training.learningRate": [0.001, 0.003] },
  profiles: { quick: { "training.epochs": 3, seeds: [1] } },
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** Every path into a JSON value (the root excluded). */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== "object") return [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  return entries.flatMap(([key, item]) => [[...prefix, key], ...pathsOf(item, [...prefix, key])]);
}

const ALL_PATHS = pathsOf(BASE);
const valueAt = (path: Path): unknown =>
  path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], BASE);
const OBJECT_PATHS: Path[] = [
  [],
  ...ALL_PATHS.filter((path) => {
    const value = valueAt(path);
    const isObject = value !== null && typeof value === "object" && !Array.isArray(value);
    // The keys of `profiles` are names the user chooses: any new one is a profile.
    return isObject && !(path.length === 1 && path[0] === "profiles");
  }),
];
const NUMBER_PATHS = ALL_PATHS.filter((path) => typeof valueAt(path) === "number");

/** A copy of the base with `path` set to `value` (or deleted when `value` is undefined). */
function mutated(path: Path, value: unknown): unknown {
  const copy = structuredClone(BASE);
  if (path.length === 0) return value;
  const parent = path.slice(0, -1).reduce<unknown>(
    (node, key) => (node as Record<string | number, unknown>)[key],
    copy,
  ) as Record<string | number, unknown>;
  const key = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
  } else parent[key] = value;
  return copy;
}

type Outcome = { valid: true } | { valid: false; error: ConfigError };

/** Parses and expands; any exception other than a well-formed ConfigError fails the property. */
function check(text: string): Outcome {
  try {
    expandExperiment(parseExperimentText(text, FILE));
    expandExperiment(parseExperimentText(text, FILE, { profile: "quick" }));
    return { valid: true };
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      throw new Error(`not a ConfigError: ${String(error)} for ${text.slice(0, 200)}`);
    }
    assert.equal(error.exitCode, 2);
    assert.ok(
      !UNSAFE_IN_ONE_LINE.test(error.message),
      `message has a raw control or separator character: ${JSON.stringify(error.message)}`,
    );
    assert.ok(error.message.startsWith(`${FILE}: `), error.message);
    return { valid: false, error };
  }
}

/** The property: the text is rejected with a one-line ConfigError. */
function mustReject(text: string): void {
  const outcome = check(text);
  assert.equal(outcome.valid, false, `accepted: ${text.slice(0, 300)}`);
}

const jsonValue = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>;
const path = fc.constantFrom(...ALL_PATHS);

/** A JSON value of another type than `value`'s. */
function otherType(value: unknown): fc.Arbitrary<Json> {
  const kind = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  const byKind: Record<string, fc.Arbitrary<Json>> = {
    null: fc.constant(null),
    boolean: fc.boolean(),
    number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
    string: hostileString(),
    array: fc.array(jsonValue, { maxLength: 3 }),
    object: fc.dictionary(hostileString(), jsonValue, { maxKeys: 3 }),
  };
  return fc.oneof(...Object.entries(byKind).filter(([name]) => name !== kind).map(([, a]) => a));
}

/** A deeply nested array or object around a leaf. */
const deeplyNested = fc.tuple(fc.integer({ min: 50, max: 3000 }), fc.boolean(), jsonValue).map(
  ([depth, asArrays, leaf]) => {
    let text = JSON.stringify(leaf);
    for (let level = 0; level < depth; level++) text = asArrays ? `[${text}]` : `{"a":${text}}`;
    return text;
  },
);

/** Names that must never become a folder name. */
const hostileName = fc.oneof(
  fc.constantFrom("../escape", "..", ".", "a/b", "/abs", "a\\b", "", "x\ny", "nul\u0000l"),
  fc.tuple(hostileString(), fc.constantFrom("/", "\\", "..", "\n", " ", "\u2028"), hostileString())
    .map(
      ([before, separator, after]) => `${before}${separator}${after}`,
    ),
  fc.integer({ min: 65, max: 5000 }).map((length) => "a".repeat(length)),
);

const RUNS = {
  anyValueAnywhere: 2500,
  wrongType: 1500,
  droppedRequiredKey: 300,
  unknownKey: 1500,
  outOfRange: 1000,
  randomDocument: 1000,
  randomText: 1000,
  truncated: 500,
  deepNesting: 300,
  hostileName: 800,
};

Deno.test(
  `hostile experiment files: ${
    Object.values(RUNS).reduce((sum, runs) => sum + runs, 0)
  } generated files give one-line ConfigErrors`,
  async (context) => {
    const seed = propertySeed("hostile experiment files", 20260101);
    assert.equal(check(JSON.stringify(BASE)).valid, true, "the base experiment must be valid");
    const property = async (
      name: keyof typeof RUNS,
      arbitrary: fc.Arbitrary<string>,
      strict = true,
    ) =>
      await context.step(`${name} (${RUNS[name]})`, () => {
        fc.assert(fc.property(arbitrary, strict ? mustReject : (text) => void check(text)), {
          numRuns: RUNS[name],
          seed,
        });
      });

    // Any JSON value at any place: valid or a one-line ConfigError, nothing else.
    await property(
      "anyValueAnywhere",
      fc.tuple(path, jsonValue).map(([at, value]) => JSON.stringify(mutated(at, value))),
      false,
    );
    // A value of the wrong type, at any place whose type is fixed.
    await property(
      "wrongType",
      path.chain((at) => otherType(valueAt(at)).map((value) => JSON.stringify(mutated(at, value)))),
    );
    await property(
      "droppedRequiredKey",
      fc.constantFrom("name", "dataset", "methods", "sparsities").map((key) =>
        JSON.stringify(mutated([key], undefined))
      ),
    );
    await property(
      "unknownKey",
      fc.tuple(fc.constantFrom(...OBJECT_PATHS), hostileString(), jsonValue).map(
        ([at, key, value]) => JSON.stringify(mutated([...at, `unknown_${key}`], value)),
      ),
    );
    // Numbers outside every setting's range (no setting accepts these).
    await property(
      "outOfRange",
      fc.tuple(
        fc.constantFrom(...NUMBER_PATHS),
        fc.constantFrom(-1, -1e-9, -1e308, 1e308, 2 ** 53 + 2, 1.5, -0.5),
      )
        // A learning rate may be any positive float32, at `training.learningRate`
        // and at the grid and profile paths (`["grid", "training.learningRate", 0]`).
        .filter(([at, value]) =>
          !(at.some((key) => String(key).includes("learningRate")) && isValidLearningRate(value))
        )
        .filter(([at, value]) => !(at[0] === "seeds" && Number.isInteger(value) && value >= 0))
        .filter(([at, value]) => !(at.includes("momentum") && value === 0.5))
        .map(([at, value]) => JSON.stringify(mutated(at, value))),
    );
    await property("randomDocument", jsonValue.map((value) => JSON.stringify(value)));
    await property(
      "randomText",
      fc.oneof(
        fc.string({ unit: "binary", maxLength: 200 }),
        fc.uint8Array({ maxLength: 200 }).map((bytes) => new TextDecoder().decode(bytes)),
      ),
    );
    const baseText = JSON.stringify(BASE, null, 2);
    await property(
      "truncated",
      fc.integer({ min: 0, max: baseText.length - 1 }).map((end) => baseText.slice(0, end)),
    );
    await property(
      "deepNesting",
      fc.tuple(fc.constantFrom(...ALL_PATHS.filter((at) => at.length <= 2)), deeplyNested).map(
        ([at, nested]) => JSON.stringify(mutated(at, "__NESTED__")).replace('"__NESTED__"', nested),
      ),
    );
    await property(
      "hostileName",
      hostileName.map((name) => JSON.stringify(mutated(["name"], name))),
    );
  },
);

Deno.test("hostile experiment files: specific out-of-range settings are rejected", () => {
  const cases: [Path, unknown][] = [
    [["training", "epochs"], 0],
    [["training", "batchSize"], 0],
    [["training", "learningRate"], 0],
    [["training", "learningRate"], -1],
    [["training", "learningRate"], 1e308],
    [["grid", "training.learningRate", 0], 1e308],
    [["profiles", "quick", "training.learningRate"], 1e308],
    [["sparsities", 0], 1],
    [["sparsities", 0], -0.1],
    [["model", "hidden", 0], 0],
    [["methods", 1, "k"], 0],
    [["seeds", 0], 1.5],
  ];
  for (const [at, value] of cases) mustReject(JSON.stringify(mutated(at, value)));
  // The largest float32 itself is a (silly but representable) learning rate.
  assert.equal(
    check(JSON.stringify(mutated(["training", "learningRate"], 3.4028234663852886e38))).valid,
    true,
  );
});

Deno.test("hostile experiment files: control and separator characters are escaped in the message", () => {
  for (
    const character of ["\u2028", "\u2029", "\u0085", "\u009b", "\u007f", "\u001b", "\u0000", "\r"]
  ) {
    const outcome = check(JSON.stringify(mutated([`unknown${character}key`], 1)));
    assert.equal(outcome.valid, false);
    if (outcome.valid) continue;
    assert.ok(!outcome.error.message.includes(character), JSON.stringify(outcome.error.message));
    const escaped = `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`;
    const shown = character === "\r" ? ["\\r", escaped] : [escaped];
    assert.ok(
      shown.some((text) => outcome.error.message.includes(text)),
      `${JSON.stringify(outcome.error.message)} shows ${shown.join(" or ")}`,
    );
  }
});

Deno.test("hostile experiment files through the CLI: exit 2, one stderr line, no output", async () => {
  await withTempDir(async (directory) => {
    const samples = fc.sample(
      fc.oneof(
        hostileName.map((name) => JSON.stringify(mutated(["name"], name))),
        fc.tuple(path, jsonValue).map(([at, value]) => JSON.stringify(mutated(at, value)))
          .filter((text) => !check(text).valid),
        deeplyNested,
        fc.string({ unit: "binary", maxLength: 100 }),
      ),
      { numRuns: 6, seed: 20240601 },
    );
    samples.push(JSON.stringify(mutated(["name"], "../../escaped")));
    for (const [index, text] of samples.entries()) {
      const file = join(directory, `hostile-${index}.json`);
      await Deno.writeTextFile(file, text);
      const outDir = join(directory, `out-${index}`);
      const outcome = await runCli(["run", file, "--out", outDir]);
      assert.equal(outcome.code, 2, `exit ${outcome.code} for ${text.slice(0, 200)}`);
      const lines = outcome.stderr.trimEnd().split("\n");
      assert.equal(lines.length, 1, `stderr is not one line: ${outcome.stderr}`);
      assert.ok(lines[0].startsWith(`error: ${file}: `), lines[0]);
      assert.ok(!looksLikeStackTrace(outcome.stderr), outcome.stderr);
      assert.equal(await exists(outDir), false, "an output directory was created");
    }
    // Nothing was written outside the temporary directory's own files either.
    assert.deepEqual(
      (await listDirectory(directory)).filter((name) => !name.startsWith("hostile-")),
      [],
    );
    assert.equal(await exists(join(directory, "..", "escaped")), false);
  });
});

Deno.test("hostile experiment files: a name with `..` cannot write outside the output directory", async () => {
  await withTempDir(async (directory) => {
    const outDir = join(directory, "nested", "out");
    for (const name of ["../escaped", "..", "a/../../escaped", "/tmp/escaped"]) {
      const file = join(directory, "escape.json");
      await Deno.writeTextFile(file, JSON.stringify(mutated(["name"], name)));
      const outcome = await runCli(["run", file, "--out", outDir]);
      assert.equal(outcome.code, 2, outcome.stderr);
      assert.match(outcome.stderr, /\$\.name/);
    }
    assert.deepEqual(await listDirectory(directory), ["escape.json"]);
  });
});
