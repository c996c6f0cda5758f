/**
 * A sweep worker: a Web Worker that executes runs it is sent, one at a time,
 * and posts each result back. Each worker has its own tfjs instance, so runs
 * use both cores (tfjs's WASM threads are off under Deno).
 *
 * Messages in: `{ type: "init", dataDir? }`, then `{ type: "run", spec, checkpointPath? }`.
 * Messages out: `{ type: "result", result }` or `{ type: "error", message, exitCode }`.
 *
 * @module
 */
import type { RunSpec } from "../config/types.ts";
import { cachingDataProvider, type DataProvider } from "./run_one.ts";
import { executeRun } from "./run_one.ts";

/** A message the sweep sends to a worker. */
export type WorkerRequest =
  | { type: "init"; dataDir?: string }
  | { type: "run"; spec: RunSpec; checkpointPath?: string };

/** A message a worker sends back. */
export type WorkerResponse =
  | { type: "result"; result: import("../config/types.ts").RunResult }
  | { type: "error"; message: string; exitCode: number };

declare const self: {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerResponse): void;
};

let data: DataProvider = cachingDataProvider();

self.onmessage = async (event) => {
  const request = event.data;
  if (request.type === "init") {
    data = cachingDataProvider({ dataDir: request.dataDir });
    return;
  }
  try {
    const result = await executeRun(request.spec, data, {
      checkpointPath: request.checkpointPath,
    });
    self.postMessage({ type: "result", result });
  } catch (error) {
    const exitCode = typeof (error as { exitCode?: unknown }).exitCode === "number"
      ? (error as { exitCode: number }).exitCode
      : 1;
    self.postMessage({
      type: "error",
      message: error instanceof Error ? error.message : String(error),
      exitCode,
    });
  }
};
