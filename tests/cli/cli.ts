/**
 * Runs the command-line tool as a subprocess, as a user would, so that exit
 * codes, stdout and stderr can be checked.
 *
 * @module
 */
import { join } from "node:path";
import { REPO_ROOT } from "../runner/fixtures.ts";

/** What a finished CLI process left. */
export interface CliOutcome {
  /** Exit code. */
  code: number;
  /** Standard output, decoded. */
  stdout: string;
  /** Standard error, decoded. */
  stderr: string;
}

/**
 * Deno's own cache directory as the current process sees it. A test that
 * changes `XDG_CACHE_HOME` for the child must pin this, or the child would
 * look for (and fetch) its npm packages in the new place.
 */
export function denoCacheDir(): string {
  const explicit = Deno.env.get("DENO_DIR");
  if (explicit) return explicit;
  const cacheHome = Deno.env.get("XDG_CACHE_HOME") ??
    join(Deno.env.get("HOME") ?? "/root", ".cache");
  return join(cacheHome, "deno");
}

/** Options of {@link startCli} and {@link runCli}. */
export interface CliOptions {
  /** Added to the inherited environment. */
  env?: Record<string, string>;
  /** Permission flags for `deno run` (default `-A`). */
  permissions?: string[];
  /**
   * Working directory (default: the repository root). Elsewhere the CLI is
   * started by its absolute path with the repository's deno.json, so that
   * relative paths in its arguments, and in what it reads, start there.
   */
  cwd?: string;
}

/**
 * Starts `deno run <permissions> src/cli/main.ts <args>` in the repository
 * root (or in `options.cwd`) with stdout and stderr piped.
 */
export function startCli(args: string[], options: CliOptions = {}): Deno.ChildProcess {
  const entry = options.cwd === undefined
    ? ["src/cli/main.ts"]
    : ["--config", join(REPO_ROOT, "deno.json"), join(REPO_ROOT, "src", "cli", "main.ts")];
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...(options.permissions ?? ["-A"]), ...entry, ...args],
    cwd: options.cwd ?? REPO_ROOT,
    env: { NO_COLOR: "1", DENO_DIR: denoCacheDir(), ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Decodes a finished CLI process's output. */
export function decodeOutput(output: Deno.CommandOutput): CliOutcome {
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Runs the CLI to the end (see {@link startCli}). */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliOutcome> {
  return decodeOutput(await startCli(args, options).output());
}

/** Every file under `directory`, as paths relative to it mapped to their bytes. */
export async function readTree(directory: string): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  const walk = async (relative: string): Promise<void> => {
    for await (const entry of Deno.readDir(join(directory, relative))) {
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else files.set(path, await Deno.readFile(join(directory, path)));
    }
  };
  await walk("");
  return new Map([...files].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0));
}
