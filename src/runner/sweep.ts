/**
 * A sweep: the runs of one or more experiments, executed in parallel workers,
 * skipping runs already in the store, writing each result atomically the
 * moment it arrives. Stopping (Ctrl-C) ends the workers and keeps every
 * finished run; starting again completes the rest.
 *
 * Crash safety: a sweep killed outright (SIGKILL, power loss) leaves only
 * complete result files (atomic writes), possibly temporaries and claims of
 * the dead process, which the next sweep removes and takes over, and the
 * checkpoints of long runs, which the next sweep resumes from.
 *
 * Two sweeps on one store, on one host or on hosts sharing a file system,
 * split the work through claims; a run is claimed, then looked up again, so a
 * run the other sweep finished in the meantime is not computed a second time.
 * A sweep refreshes the lease of its claims every quarter lease while their
 * runs compute; the runs of a sweep that died are taken over once its lease
 * expires (at once when it died on this host).
 *
 * @module
 */
import type { RunResult, RunSpec } from "../config/types.ts";
import { runId } from "../config/run_id.ts";
import { ProgressDisplay } from "./progress.ts";
import type { ResultStore } from "./store.ts";
import type { WorkerRequest, WorkerResponse } from "./worker.ts";

/** How to execute a sweep. */
export interface SweepOptions {
  /** Parallel workers (default: one per core). */
  workers?: number;
  /** Recompute runs that are already stored. */
  force?: boolean;
  /** Directory the data layer should look in first. */
  dataDir?: string;
  /** Suppress the progress display. */
  quiet?: boolean;
  /**
   * Aborting this signal stops the sweep: a worker computing a checkpointed
   * run finishes its current epoch, writes the checkpoint and stops (for at
   * most {@link SweepOptions.stopGraceSeconds}); the other workers end at
   * once. Finished runs are stored; started ones resume from their
   * checkpoints when the sweep is run again.
   */
  signal?: AbortSignal;
  /**
   * How long, after the signal, a checkpointed run may take to reach the
   * end of its epoch before its worker is ended anyway (default
   * {@link STOP_GRACE_SECONDS}).
   */
  stopGraceSeconds?: number;
  /**
   * Checkpoint runs at every training epoch so a killed sweep resumes them
   * mid-run. Default: only runs of at least {@link CHECKPOINT_MIN_EPOCHS}
   * epochs (the paper profile's), where losing a run costs minutes; shorter
   * runs are cheaper to recompute than to checkpoint.
   */
  checkpoint?: boolean;
}

/**
 * Default of {@link SweepOptions.stopGraceSeconds}: an epoch of the paper
 * profile's largest model takes about 10 s on an idle core, and Slurm signals
 * a task 300 s before its time limit.
 */
export const STOP_GRACE_SECONDS = 120;

/** Runs with at least this many training epochs are checkpointed by default. */
export const CHECKPOINT_MIN_EPOCHS = 10;

/** Whether a sweep with these options checkpoints this run. */
export function checkpointsRun(spec: RunSpec, options: Pick<SweepOptions, "checkpoint">): boolean {
  return options.checkpoint ?? spec.training.epochs >= CHECKPOINT_MIN_EPOCHS;
}

/** What a sweep did. */
export interface SweepSummary {
  /** Runs in the sweep. */
  total: number;
  /** Runs found in the store and not recomputed. */
  skipped: number;
  /** Runs computed now. */
  computed: number;
  /** Runs another process was computing; waited for. */
  awaited: number;
  /** Computed runs whose loss diverged (recorded, not failed). */
  diverged: number;
  /** True when the sweep was stopped before the end. */
  interrupted: boolean;
}

/** An error a worker reported for a run; carries the exit code the CLI should use. */
export class RunFailure extends Error {
  /** 2 for bad input found while running (e.g. missing data), 1 otherwise. */
  readonly exitCode: number;
  /** Creates a failure for a run. */
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = "RunFailure";
    this.exitCode = exitCode;
  }
}

/** A short description of a run for progress lines. */
export function describeRun(spec: RunSpec): string {
  return `${spec.experiment}/${spec.method.label} s=${spec.sparsity} seed=${spec.seed}`;
}

function defaultWorkerCount(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

/** Runs the sweep; resolves when every run is stored, or the sweep was stopped. */
export async function runSweep(
  specs: RunSpec[],
  store: ResultStore,
  options: SweepOptions = {},
): Promise<SweepSummary> {
  const unique = new Map<string, RunSpec>();
  for (const spec of specs) unique.set(runId(spec), spec);
  await store.prepare();
  const pending: RunSpec[] = [];
  let skipped = 0;
  for (const spec of unique.values()) {
    if (!options.force && await store.has(spec)) skipped++;
    else pending.push(spec);
  }
  const summary: SweepSummary = {
    total: unique.size,
    skipped,
    computed: 0,
    awaited: 0,
    diverged: 0,
    interrupted: false,
  };
  if (pending.length === 0) return summary;
  // An "abort" event that fired before the sweep began (Ctrl-C while the data
  // loaded) will not fire again: without this the sweep would run to the end.
  if (options.signal?.aborted) return { ...summary, interrupted: true };
  const progress = new ProgressDisplay(unique.size, skipped, { quiet: options.quiet });
  const workerCount = Math.min(options.workers ?? defaultWorkerCount(), pending.length);
  const queue = [...pending];
  const heldByOthers: RunSpec[] = [];
  const workers: Worker[] = [];
  // Claims this sweep took, released if it stops on an error (e.g. a full disk);
  // claims still being created then are waited for, so none outlives the sweep.
  const claimed = new Set<RunSpec>();
  // The main thread is idle while workers compute, so the refresh keeps time.
  const refresher = setInterval(() => {
    store.refreshClaims().catch(() => {});
  }, store.leaseSeconds * 1000 / 4);
  const claimsInFlight = new Set<Promise<boolean>>();
  const claimRun = (spec: RunSpec): Promise<boolean> => {
    const claiming = store.claim(spec).then((taken) => {
      if (taken) claimed.add(spec);
      return taken;
    });
    claimsInFlight.add(claiming);
    claiming.finally(() => claimsInFlight.delete(claiming)).catch(() => {});
    return claiming;
  };
  let failure: RunFailure | null = null;
  // Fires on an interruption or on the first failure. On a failure every worker stops at
  // once; on an interruption the workers computing checkpointed runs (in `finishing`) are
  // asked, through shared memory, to stop after their next checkpoint.
  const halt = new AbortController();
  const stopRequest = new Int32Array(new SharedArrayBuffer(4));
  const finishing = new Set<Worker>();
  halt.signal.addEventListener("abort", () => {
    for (const worker of workers) {
      if (!(summary.interrupted && finishing.has(worker))) worker.terminate();
    }
  });
  const stop = () => {
    summary.interrupted = true;
    Atomics.store(stopRequest, 0, 1);
    halt.abort();
  };
  const graceMilliseconds = (options.stopGraceSeconds ?? STOP_GRACE_SECONDS) * 1000;
  options.signal?.addEventListener("abort", stop, { once: true });

  const runOnWorker = async (slot: number): Promise<void> => {
    const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    workers.push(worker);
    worker.postMessage(
      { type: "init", dataDir: options.dataDir, stopRequest } satisfies WorkerRequest,
    );
    try {
      while (queue.length > 0 && !summary.interrupted && failure === null) {
        const spec = queue.shift()!;
        if (!(await claimRun(spec))) {
          heldByOthers.push(spec);
          continue;
        }
        if (!options.force && await store.has(spec)) {
          // Another sweep finished it after this one listed the store.
          await store.release(spec);
          summary.awaited++;
          progress.finish(slot, describeRun(spec), "computed by another sweep");
          continue;
        }
        progress.start(slot, describeRun(spec));
        const checkpointed = checkpointsRun(spec, options);
        if (checkpointed) finishing.add(worker);
        const response = await new Promise<WorkerResponse | null>((resolve) => {
          let grace: ReturnType<typeof setTimeout> | undefined;
          const onHalt = () => {
            if (!(summary.interrupted && checkpointed)) return resolve(null);
            // Let the run reach its next checkpoint; end it anyway after the grace period.
            grace = setTimeout(() => {
              worker.terminate();
              resolve(null);
            }, graceMilliseconds);
          };
          const settle = (value: WorkerResponse) => {
            halt.signal.removeEventListener("abort", onHalt);
            clearTimeout(grace);
            resolve(value);
          };
          if (halt.signal.aborted) return resolve(null);
          halt.signal.addEventListener("abort", onHalt, { once: true });
          worker.onmessage = (event: MessageEvent<WorkerResponse>) => settle(event.data);
          worker.onerror = (event) => {
            event.preventDefault();
            settle({ type: "error", message: event.message, exitCode: 1 });
          };
          worker.postMessage(
            {
              type: "run",
              spec,
              checkpointPath: checkpointed ? store.checkpointPath(spec) : undefined,
            } satisfies WorkerRequest,
          );
        });
        finishing.delete(worker);
        if (response === null || response.type === "stopped") {
          await store.release(spec);
          return;
        }
        if (response.type === "error") {
          await store.release(spec);
          failure ??= new RunFailure(
            `${describeRun(spec)}: ${response.message}`,
            response.exitCode,
          );
          halt.abort();
          return;
        }
        await store.write(response.result);
        summary.computed++;
        if (response.result.status === "diverged") summary.diverged++;
        progress.finish(slot, describeRun(spec), outcomeText(response.result));
      }
    } finally {
      worker.terminate();
    }
  };
  try {
    await Promise.all(Array.from({ length: workerCount }, (_, slot) => runOnWorker(slot)));
    // Runs another sweep was computing: wait until their results appear.
    while (!summary.interrupted && failure === null && heldByOthers.length > 0) {
      const spec = heldByOthers[0];
      if (await store.has(spec)) {
        heldByOthers.shift();
        summary.awaited++;
      } else if (await claimRun(spec)) {
        // Its owner died: compute it here.
        heldByOthers.shift();
        queue.push(spec);
        await store.release(spec);
        await runOnWorker(0);
      } else {
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } finally {
    clearInterval(refresher);
    options.signal?.removeEventListener("abort", stop);
    progress.close();
    await Promise.allSettled([...claimsInFlight]);
    for (const spec of claimed) await store.release(spec).catch(() => {});
  }
  if (failure) throw failure;
  return summary;
}

function outcomeText(result: RunResult): string {
  if (result.status === "diverged") {
    return `diverged at epoch ${result.divergedAt?.epoch} step ${result.divergedAt?.step}`;
  }
  return `${result.primaryMetric.name} ${result.primaryMetric.value.toFixed(4)}, ` +
    `sparsity ${result.sparsity.achieved.toFixed(4)}`;
}
