/**
 * The library surface: mod.ts documents every type its exports use, and the
 * package passes `deno publish --dry-run` (explicit types, no slow types).
 */
import assert from "node:assert/strict";
import { REPO_ROOT } from "../runner/fixtures.ts";
import { denoCacheDir } from "./cli.ts";

async function deno(args: string[]): Promise<{ code: number; output: string }> {
  const result = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1", DENO_DIR: denoCacheDir() },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: result.code,
    output: decoder.decode(result.stdout) + decoder.decode(result.stderr),
  };
}

/** The errors of a deno doc or publish run, without the warnings about @types/node. */
function errors(output: string): string {
  return output.split("\n").filter((line) => /^error/.test(line)).join("\n");
}

Deno.test("library: deno doc --lint mod.ts finds no private types and no missing docs", async () => {
  const { code, output } = await deno(["doc", "--lint", "mod.ts"]);
  assert.equal(code, 0, errors(output) || output);
});

Deno.test("library: deno publish --dry-run passes with the name, version and exports of deno.json", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${REPO_ROOT}/deno.json`));
  assert.match(config.name, /^@[a-z0-9-]+\/[a-z0-9-]+$/);
  assert.match(config.version, /^\d+\.\d+\.\d+$/);
  assert.equal(config.exports["."], "./mod.ts");
  const { code, output } = await deno(["publish", "--dry-run", "--allow-dirty"]);
  assert.equal(code, 0, errors(output) || output);
  assert.match(output, new RegExp(`Simulating publish of ${config.name}@${config.version}`));
  // The tests and the results are not part of the package.
  assert.doesNotMatch(output, /\/tests\/|\/results\//);
});
