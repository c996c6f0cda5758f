/**
 * A throwaway copy of the repository in which mutants are applied and tested,
 * so that the working tree is never modified: a crash or a kill of the
 * mutation run leaves at worst a stale folder under the system's temp dir.
 *
 * @module
 */

import { dirname, join, relative } from "node:path";

/** What became of one mutant once its tests ran. */
export type MutantOutcome = "killed" | "survived" | "timed out" | "invalid";

/** Folders of the repository that the tests never read and the copy leaves out. */
const NOT_COPIED = new Set([".git", "node_modules", "results", ".stryker-tmp"]);

/** Copies a folder tree, leaving out the top-level names in {@link NOT_COPIED}. */
async function copyTree(from: string, to: string, isTop: boolean): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    if (isTop && NOT_COPIED.has(entry.name)) continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory) await copyTree(source, target, false);
    else if (entry.isSymlink) await Deno.symlink(await Deno.realPath(source), target);
    else await Deno.copyFile(source, target);
  }
}

/**
 * Expands test entries (files, folders, `*` patterns in the last segment)
 * into a sorted list of test files relative to `root`.
 *
 * @throws Error naming the entry when it matches no test file
 */
export async function resolveTestFiles(
  root: string,
  entries: readonly string[],
): Promise<string[]> {
  const files = new Set<string>();
  for (const entry of entries) {
    const matched: string[] = [];
    const path = join(root, entry);
    const info = await Deno.stat(path).catch(() => null);
    if (info?.isFile) {
      matched.push(entry);
    } else {
      const isFolder = info?.isDirectory ?? false;
      const folder = isFolder ? path : dirname(path);
      const pattern = isFolder ? "*_test.ts" : entry.slice(entry.lastIndexOf("/") + 1);
      const expression = new RegExp(
        "^" + pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join("[^/]*") +
          "$",
      );
      const found = await Array.fromAsync(Deno.readDir(folder)).catch(() => []);
      for (const file of found) {
        if (file.isFile && expression.test(file.name)) {
          matched.push(relative(root, join(folder, file.name)));
        }
      }
    }
    if (matched.length === 0) throw new Error(`test entry ${entry} matches no test file`);
    for (const file of matched) files.add(file);
  }
  return [...files].sort();
}

/** A copy of the repository where one mutant at a time is applied and tested. */
export class Sandbox {
  /** The copy's repository root. */
  readonly root: string;
  readonly #parent: string;
  #running: Deno.ChildProcess | null = null;

  private constructor(parent: string) {
    this.#parent = parent;
    this.root = join(parent, "repository");
  }

  /**
   * Copies the repository at `repositoryRoot` into a fresh temp folder. The
   * copy shares the original's `node_modules` and its `../shared` (the
   * datasets the tests read beside the repository) through symbolic links.
   */
  static async create(repositoryRoot: string): Promise<Sandbox> {
    const sandbox = new Sandbox(await Deno.makeTempDir({ prefix: "mutation-" }));
    await copyTree(repositoryRoot, sandbox.root, true);
    await Deno.symlink(join(repositoryRoot, "node_modules"), join(sandbox.root, "node_modules"));
    const shared = await Deno.realPath(join(repositoryRoot, "..", "shared")).catch(() => null);
    if (shared) await Deno.symlink(shared, join(sandbox.#parent, "shared"));
    return sandbox;
  }

  /** Writes `text` as the copy's `file` (relative to the root). */
  async write(file: string, text: string): Promise<void> {
    await Deno.writeTextFile(join(this.root, file), text);
  }

  /**
   * Runs the test files in the copy, stopping at the first failure, killed
   * (with every process it started) after `timeoutSeconds`.
   */
  async runTests(
    testFiles: readonly string[],
    timeoutSeconds: number,
  ): Promise<{ outcome: MutantOutcome; seconds: number; output: string }> {
    const started = performance.now();
    const command = new Deno.Command("timeout", {
      // `timeout` signals the whole process group, so test subprocesses die too.
      args: [
        "--kill-after=5",
        String(Math.ceil(timeoutSeconds)),
        Deno.execPath(),
        "test",
        "--allow-all",
        "--no-check",
        "--fail-fast",
        ...testFiles,
      ],
      cwd: this.root,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    });
    const child = command.spawn();
    this.#running = child;
    const { code, stdout, stderr } = await child.output().finally(() => (this.#running = null));
    const seconds = (performance.now() - started) / 1000;
    const decoder = new TextDecoder();
    const output = decoder.decode(stdout) + decoder.decode(stderr);
    if (code === 124 || code === 137) return { outcome: "timed out", seconds, output };
    if (code === 0) return { outcome: "survived", seconds, output };
    // A mutant that does not parse tells nothing about the tests: a tool bug, not a kill.
    const isParseError = output.includes("source code could not be parsed");
    return { outcome: isParseError ? "invalid" : "killed", seconds, output };
  }

  /** Removes the copy. */
  async remove(): Promise<void> {
    await Deno.remove(this.#parent, { recursive: true });
  }

  /**
   * On an interrupt: stops the test run in progress (`timeout` passes the
   * signal on to its process group) and removes the copy, synchronously.
   */
  abandon(): void {
    try {
      this.#running?.kill("SIGTERM");
    } catch {
      // Already finished.
    }
    Deno.removeSync(this.#parent, { recursive: true });
  }
}
