/**
 * Backend set-up: the tfjs WASM backend (SIMD) by default, the pure-JS `cpu`
 * backend as a fallback, and the versions both record.
 *
 * @module
 */
import * as tf from "./tf.ts";
import { TFJS_VERSION } from "./tf.ts";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

/** Names of the backends a run may execute on. */
export type BackendName = "wasm" | "cpu";

/** What was initialised, for the result's version record. */
export interface BackendInfo {
  /** Backend name as tfjs reports it. */
  backend: BackendName;
  /** Version of the tfjs packages (one pinned version for all). */
  tfjsVersion: string;
}

/**
 * The directory holding the backend's `.wasm` binaries. Deno's
 * `nodeModulesDir: "auto"` puts the npm package in the project's
 * `node_modules/`, two levels above this file.
 */
function wasmDirectory(): string {
  const url = new URL(
    "../../node_modules/@tensorflow/tfjs-backend-wasm/dist/",
    import.meta.url,
  );
  return decodeURIComponent(url.pathname);
}

let current: BackendName | null = null;

/**
 * Selects and initialises a tfjs backend; calling it again with the same name
 * is free. Throws when the backend cannot start (e.g. the WASM binary is
 * missing), naming the directory it looked in.
 */
export async function initBackend(name: BackendName = "wasm"): Promise<BackendInfo> {
  if (current !== name) {
    if (name === "wasm") setWasmPaths(wasmDirectory());
    const ok = await tf.setBackend(name);
    if (!ok) {
      throw new Error(
        `could not initialise the tfjs "${name}" backend` +
          (name === "wasm" ? ` (looked for its .wasm files in ${wasmDirectory()})` : ""),
      );
    }
    await tf.ready();
    current = name;
  }
  return { backend: name, tfjsVersion: TFJS_VERSION };
}
