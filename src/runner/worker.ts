/**
 * A sweep worker: a Web Worker that executes runs it is sent, one at a time,
 * and posts each result back. Each worker has its own tfjs instance, so runs
 * use both cores (tfjs's WASM threads are off under Deno).
 *
 * Messages in: `{ type: "init", dataDir?, stopRequest? }`, then `{ type: "run", spec,
 * checkpointPath? }`. Messages out: `{ type: "result", result }`, `{ type: "error", message,
 * exitCode }`, or `{ type: "stopped" }` when the sweep asked its runs to stop (through
 * `stopRequest`, shared memory) and the run stopped after writing a checkpoint.
 *
 * @module
 */
import type { RunSpec } from "../config/types.ts";
import { cachingDataProvider, type DataProvider } from "./run_one.ts";
import { executeRun } from "./run_one.ts";

/** A message the sweep sends to a worker. */
export type WorkerRequest =
  | { type: "init"; dataDir?: string; stopRequest?: Int32Array }
  | { type: "run"; spec: RunSpec; checkpointPath?: string };

/** A message a worker sends back. */
export type WorkerResponse =
  | { type: "result"; result: import("../config/types.ts").RunResult }
  | { type: "error"; message: string; exitCode: number }
  | { type: "stopped" };

declare const self: {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerResponse): void;
};

let data: DataProvider = cachingDataProvider();
/** Shared with the sweep: element 0 becomes 1 when the sweep asks its runs to stop. */
let stopRequest: Int32Array | undefined;

/** Thrown after a checkpoint when the sweep asked to stop. */
class StopRequested extends Error {}

self.onmessage = async (event) => {
  const request = event.data;
  if (request.type === "init") {
    data = cachingDataProvider({ dataDir: request.dataDir });
    stopRequest = request.stopRequest;
    return;
  }
  try {
    const result = await executeRun(request.spec, data, {
      checkpointPath: request.checkpointPath,
      // The checkpoint of the epoch just finished is written: stop here if asked to.
      onCheckpoint: () => {
        if (stopRequest !== undefined && Atomics.load(stopRequest, 0) === 1) {
          throw new StopRequested();
        }
      },
    });
    self.postMessage({ type: "result", result });
  } catch (error) {
    if (error instanceof StopRequested) {
      self.postMessage({ type: "stopped" });
      return;
    }
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
