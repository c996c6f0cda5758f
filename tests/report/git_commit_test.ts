import assert from "node:assert/strict";
import { join } from "node:path";
import { readGitState, sourceDirectory } from "../../src/report/git_commit.ts";

/** Whether a git binary can be run here. */
async function gitAvailable(): Promise<boolean> {
  try {
    return (await new Deno.Command("git", { args: ["--version"], stdout: "null", stderr: "null" })
      .output()).success;
  } catch {
    return false;
  }
}

const HAS_GIT = await gitAvailable();
if (!HAS_GIT) {
  console.log("git_commit_test: git is not installed; the repository tests are skipped");
}

/** Runs git in `directory` with a fixed identity and no outside configuration. */
async function git(directory: string, ...args: string[]): Promise<string> {
  const output = await new Deno.Command("git", {
    args: ["-c", "user.name=test", "-c", "user.email=test@example.com", ...args],
    cwd: directory,
    env: { GIT_CONFIG_NOSYSTEM: "1", HOME: directory, GIT_CEILING_DIRECTORIES: directory },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  return new TextDecoder().decode(output.stdout).trim();
}

Deno.test({
  name: "the commit of a repository, and whether tracked files changed since",
  ignore: !HAS_GIT,
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "git-commit-test-" });
    try {
      await git(root, "init", "-q");
      await Deno.writeTextFile(join(root, "file.txt"), "one\n");
      await git(root, "add", "file.txt");
      await git(root, "commit", "-q", "-m", "first");
      const expected = await git(root, "log", "-1", "--format=%H");
      assert.deepEqual(await readGitState(root), { commit: expected, dirty: false });
      // An untracked file does not make the source dirty; a modified tracked file does.
      await Deno.writeTextFile(join(root, "notes.txt"), "scratch\n");
      assert.equal((await readGitState(root))?.dirty, false);
      // A rewritten committed result is output, not code: still clean.
      await Deno.mkdir(join(root, "results"));
      await Deno.writeTextFile(join(root, "results", "table.csv"), "a\n");
      await git(root, "add", "results/table.csv");
      await git(root, "commit", "-q", "-m", "results");
      const withResults = await git(root, "log", "-1", "--format=%H");
      await Deno.writeTextFile(join(root, "results", "table.csv"), "b\n");
      assert.deepEqual(await readGitState(root), { commit: withResults, dirty: false });
      await Deno.writeTextFile(join(root, "file.txt"), "two\n");
      assert.deepEqual(await readGitState(root), { commit: withResults, dirty: true });
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test({
  name: "no repository, no commit yet, or no git binary gives null",
  ignore: !HAS_GIT,
  fn: async () => {
    const root = await Deno.makeTempDir({ prefix: "git-commit-test-" });
    try {
      assert.equal(await readGitState(root), null, "not a repository");
      await git(root, "init", "-q");
      assert.equal(await readGitState(root), null, "a repository without a commit");
      assert.equal(await readGitState(root, join(root, "no-such-git")), null, "no git binary");
      assert.equal(await readGitState(join(root, "missing")), null, "no directory");
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});

Deno.test("the harness's source directory is the repository root", async () => {
  const directory = sourceDirectory();
  assert.ok(directory !== undefined);
  assert.ok((await Deno.stat(join(directory, "mod.ts"))).isFile);
});
