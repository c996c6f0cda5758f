/**
 * The documentation cites only files in the repository: every path it names
 * under src/, docs/, tests/, experiments/, bench/ or data/ exists, and nothing
 * points outside the repository (the project's shared/ folder is not in it).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO_ROOT } from "../runner/fixtures.ts";

/** README.md and every Markdown file in docs/. */
async function documents(): Promise<string[]> {
  const files = ["README.md"];
  for await (const entry of Deno.readDir(join(REPO_ROOT, "docs"))) {
    if (entry.isFile && entry.name.endsWith(".md")) files.push(join("docs", entry.name));
  }
  return files.sort();
}

/** Paths in backticks under the repository's source folders, without placeholders. */
export function citedPaths(text: string): string[] {
  const paths = [...text.matchAll(/`((?:src|docs|tests|experiments|bench|data)\/[^`\s]*)`/g)]
    .map((match) => match[1]);
  return paths.filter((path) => !/[<{*]/.test(path));
}

Deno.test("docs: citedPaths finds repository paths and skips placeholders", () => {
  assert.deepEqual(
    citedPaths("see `src/rng.ts`, `docs/`, `src/pruning/<method>.ts`, `results/quick/` and `x/y`"),
    ["src/rng.ts", "docs/"],
  );
});

Deno.test("docs: every file the README and docs/ cite exists, and none is outside the repository", async () => {
  for (const document of await documents()) {
    const text = await Deno.readTextFile(join(REPO_ROOT, document));
    assert.doesNotMatch(
      text,
      /`(\.\.\/)?shared\//,
      `${document} cites shared/, outside the repository`,
    );
    for (const path of citedPaths(text)) {
      const exists = await Deno.stat(join(REPO_ROOT, path)).then(() => true, () => false);
      assert.ok(exists, `${document} cites ${path}, which does not exist`);
    }
  }
});
