/**
 * Shared helpers of the robustness tests: running the CLI as a subprocess,
 * writing experiment files, and looking inside output directories.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";

/** Absolute path of the repository root (the CLI's working directory). */
export const REPO_ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** The CLI entry point. */
export const MAIN: string = join(REPO_ROOT, "src", "cli", "main.ts");

/** What a finished CLI process printed and returned. */
export interface CliOutcome {
  /** Exit code. */
  code: number;
  /** Everything written to stdout. */
  stdout: string;
  /** Everything written to stderr. */
  stderr: string;
}

/** The command that runs the CLI with `args` (environment: ours plus `env`). */
export function cliCommand(args: string[], env: Record<string, string> = {}): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    cwd: REPO_ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  });
}

/** Runs the CLI to the end. */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<CliOutcome> {
  const output = await cliCommand(args, env).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Collects a spawned process's output and exit code. */
export async function collect(child: Deno.ChildProcess): Promise<CliOutcome> {
  const [status, stdout, stderr] = await Promise.all([
    child.status,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  return { code: status.code, stdout, stderr };
}

/**
 * A small experiment on the synthetic dataset (random pruning of a
 * one-hidden-layer MLP); `overrides` replace top-level keys.
 */
export function syntheticExperiment(
  name: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name,
    dataset: "synthetic",
    model: { kind: "mlp", hidden: [16] },
    training: { optimizer: "adam", learningRate: 0.003, batchSize: 64, epochs: 1 },
    methods: [{ name: "random" }],
    sparsities: [0.5],
    seeds: [1],
    ...overrides,
  };
}

/** Writes an experiment document to `<directory>/<file>` and returns the path. */
export async function writeExperiment(
  directory: string,
  file: string,
  document: unknown,
): Promise<string> {
  const path = join(directory, file);
  await Deno.writeTextFile(path, JSON.stringify(document, null, 2) + "\n");
  return path;
}

/** Names of the entries of a directory, sorted (empty when it does not exist). */
export async function listDirectory(directory: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(directory)) names.push(entry.name);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return names.sort();
}

/** True when something exists at `path`. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** The contents of every file in `<outDir>/tables`, keyed by file name. */
export async function readTables(outDir: string): Promise<Map<string, string>> {
  const tables = new Map<string, string>();
  for (const name of await listDirectory(join(outDir, "tables"))) {
    tables.set(name, await Deno.readTextFile(join(outDir, "tables", name)));
  }
  return tables;
}

/** Runs `body` with a fresh temporary directory, removed afterwards. */
export async function withTempDir(body: (directory: string) => Promise<void>): Promise<void> {
  const directory = await Deno.makeTempDir({ prefix: "robustness-" });
  try {
    await body(directory);
  } finally {
    await Deno.remove(directory, { recursive: true }).catch(() => {});
  }
}

/** Resolves after `milliseconds`. */
export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** The counts a `run`/`reproduce` prints: "N runs: C computed, S already stored, A computed by another sweep". */
export function sweepCounts(
  stdout: string,
): { total: number; computed: number; stored: number; byOther: number } {
  const match =
    /(\d+) runs: (\d+) computed, (\d+) already stored(?:, (\d+) computed by another sweep)?/
      .exec(stdout);
  if (match === null) throw new Error(`no sweep summary in output:\n${stdout}`);
  return {
    total: Number(match[1]),
    computed: Number(match[2]),
    stored: Number(match[3]),
    byOther: Number(match[4] ?? 0),
  };
}

/** Asserts-free check that a one-line CLI error has no stack frames. */
export function looksLikeStackTrace(text: string): boolean {
  return /^\s+at /m.test(text);
}
