import assert from "node:assert/strict";
import { loadExperimentFile } from "../../src/config/parse_experiment.ts";
import { ConfigError } from "../../src/config/errors.ts";
import { fullFile } from "./helpers.ts";

async function assertRejectsWithConfigError(
  promise: Promise<unknown>,
  file: string,
  fragment: string,
): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.file, file);
    assert.equal(error.path, null);
    assert.equal(error.exitCode, 2);
    assert.ok(error.message.startsWith(`${file}: `), error.message);
    assert.ok(error.message.includes(fragment), error.message);
    return true;
  });
}

Deno.test("loadExperimentFile reads, parses and applies a profile", async () => {
  const directory = await Deno.makeTempDir();
  try {
    const path = `${directory}/x.json`;
    await Deno.writeTextFile(path, JSON.stringify(fullFile(), null, 2));
    const experiment = await loadExperimentFile(path, { profile: "quick" });
    assert.equal(experiment.file, path);
    assert.equal(experiment.training.epochs, 4);
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});

Deno.test("a missing file is a ConfigError naming the file", async () => {
  const directory = await Deno.makeTempDir();
  try {
    const path = `${directory}/missing.json`;
    await assertRejectsWithConfigError(loadExperimentFile(path), path, "does not exist");
    await assertRejectsWithConfigError(loadExperimentFile(directory), directory, "cannot read");
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});

Deno.test("a syntax error in a file names the file and the line", async () => {
  const directory = await Deno.makeTempDir();
  try {
    const path = `${directory}/broken.json`;
    await Deno.writeTextFile(path, '{\n  "name": "broken"\n  "dataset": "mnist"\n}\n');
    await assertRejectsWithConfigError(loadExperimentFile(path), path, "invalid JSON at line 3");
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});
