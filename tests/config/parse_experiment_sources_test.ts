/**
 * Where parsing an experiment says a setting came from: the epoch budget's
 * source (the file, a profile or a `--set`) in budget errors, the resolved
 * profile when only `--set`s were given, the exact one-line text of JSON
 * syntax errors with and without a position, and a file that cannot be read
 * for a reason other than not existing.
 *
 * @module
 */

import assert from "node:assert/strict";
import { ConfigError } from "../../src/config/errors.ts";
import { parseSettingOverride } from "../../src/config/overrides.ts";
import { loadExperimentFile, parseExperimentText } from "../../src/config/parse_experiment.ts";

const FILE = "budget.json";

/**
 * A file whose K-starts spends `selectionEpochs` of a 4-epoch budget; profile
 * `short` overrides the budget (2), profile `wide` only the batch size.
 */
function budgetFile(selectionEpochs: number): Record<string, unknown> {
  return {
    name: "budget",
    dataset: "synthetic",
    model: { kind: "mlp", hidden: [16] },
    training: { optimizer: "adam", learningRate: 0.003, batchSize: 64, epochs: 4 },
    methods: [{ name: "random" }, { name: "kstarts", k: 2, selectionEpochs }],
    sparsities: [0.5],
    seeds: [1],
    minimumFinalTraining: 0,
    profiles: { short: { "training.epochs": 2 }, wide: { "training.batchSize": 32 } },
  };
}

/** The message of the ConfigError that parsing throws. */
function errorMessage(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  assert.fail("expected a ConfigError");
}

Deno.test("an epoch budget error names where training.epochs came from, and only then", () => {
  const parse = (selectionEpochs: number, profile?: string, set: string[] = []) => () =>
    parseExperimentText(JSON.stringify(budgetFile(selectionEpochs)), FILE, {
      profile,
      set: set.map(parseSettingOverride),
    });
  const prefix = `${FILE}: $.methods[1].selectionEpochs: expected selectionEpochs <= `;
  // The file's own budget of 4: nothing to add.
  assert.equal(errorMessage(parse(5)), `${prefix}training.epochs (4), found 5`);
  // A profile that does not touch the budget does not claim it.
  assert.equal(errorMessage(parse(5, "wide")), `${prefix}training.epochs (4), found 5`);
  // A --set of another setting does not claim the budget either.
  assert.equal(
    errorMessage(parse(5, undefined, ["training.batchSize=32"])),
    `${prefix}training.epochs (4), found 5`,
  );
  // The profile's budget of 2.
  assert.equal(
    errorMessage(parse(3, "short")),
    `${prefix}training.epochs (2, from profile "short"), found 3`,
  );
  // The profile's budget stays named when a --set changes something else.
  assert.equal(
    errorMessage(parse(3, "short", ["training.batchSize=32"])),
    `${prefix}training.epochs (2, from profile "short"), found 3`,
  );
  // A --set budget of 1, with and without a profile, is named by its --set.
  for (const profile of [undefined, "short"]) {
    assert.equal(
      errorMessage(parse(2, profile, ["training.epochs=1"])),
      `${prefix}training.epochs (1, from --set training.epochs), found 2`,
    );
  }
});

Deno.test("settings given only by --set resolve with no profile", () => {
  const experiment = parseExperimentText(JSON.stringify(budgetFile(1)), FILE, {
    set: [parseSettingOverride("training.epochs=3")],
  });
  assert.equal(experiment.training.epochs, 3);
  assert.equal(experiment.profile, null);
});

Deno.test("a JSON syntax error's one-line message is exact, with or without a position", () => {
  // V8 gives a position: 16 is the second comma, on line 2 after `  "name": "x",`
  // (14 characters), so column 15.
  assert.equal(
    errorMessage(() => parseExperimentText('{\n  "name": "x",,\n}', FILE)),
    `${FILE}: invalid JSON at line 2, column 15: Expected double-quoted property name`,
  );
  // Two blank lines first: position 7 is the `1` on line 3 after `{"a" ` (5 characters).
  assert.equal(
    errorMessage(() => parseExperimentText('\n\n{"a" 1}', FILE)),
    `${FILE}: invalid JSON at line 3, column 6: Expected ':' after property name`,
  );
  // V8 gives no position for an unexpected token inside a literal: no line or column
  // is invented, and the quoted copy of the whole text V8 appends is dropped.
  assert.equal(
    errorMessage(() => parseExperimentText('{"name": tru}', FILE)),
    `${FILE}: invalid JSON: Unexpected token '}'`,
  );
  // Only white space: the input ends at offset 3 = line 2, column 3 ("\n" then "  ").
  assert.equal(
    errorMessage(() => parseExperimentText("\n  ", FILE)),
    `${FILE}: invalid JSON at line 2, column 3: Unexpected end of JSON input`,
  );
});

Deno.test("a file that exists but cannot be read says why, without the error class", async () => {
  const directory = await Deno.makeTempDir();
  try {
    // Reading a directory fails with "Is a directory", not "not found".
    const message = await loadExperimentFile(directory).then(
      () => assert.fail("reading a directory must fail"),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError, String(error));
        return error.message;
      },
    );
    assert.ok(message.startsWith(`${directory}: cannot read the file: Is a directory`), message);
    assert.ok(!message.includes("does not exist"), message);
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});
