/**
 * The result store: one JSON file per run, `<root>/<runId>.json`,
 * written atomically, so a finished run is never lost and never half-written.
 *
 * Claims let two sweeps share a store: before computing a run a sweep
 * creates `<runId>.claim` exclusively (holding its process id); a second
 * sweep that finds a live claim leaves the run to its owner. A claim whose
 * process is gone (killed) is taken over.
 *
 * @module
 */
import { join } from "node:path";
import type { RunResult, RunSpec } from "../config/types.ts";
import { runId } from "../config/run_id.ts";
import { writeFileAtomic } from "./atomic_file.ts";

/** A directory of run results. */
export class ResultStore {
  /** Root directory of the store. */
  readonly root: string;

  /** Opens (lazily creates) the store at `root`. */
  constructor(root: string) {
    this.root = root;
  }

  /** Path of a run's result file. */
  resultPath(spec: RunSpec): string {
    return join(this.root, `${runId(spec)}.json`);
  }

  #claimPath(spec: RunSpec): string {
    return join(this.root, `${runId(spec)}.claim`);
  }

  /** True when the run's result is stored. */
  async has(spec: RunSpec): Promise<boolean> {
    try {
      await Deno.stat(this.resultPath(spec));
      return true;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return false;
      throw error;
    }
  }

  /**
   * The stored result of a run, or `undefined` when there is none. A stored
   * file that does not parse, or belongs to other settings, is an error
   * naming the file: it is never silently recomputed over or used.
   */
  async read(spec: RunSpec): Promise<RunResult | undefined> {
    const path = this.resultPath(spec);
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw error;
    }
    let result: RunResult;
    try {
      result = JSON.parse(text);
    } catch {
      throw new Error(`${path}: stored result is not valid JSON; delete it to recompute the run`);
    }
    if (result?.runId !== runId(spec)) {
      throw new Error(`${path}: stored result belongs to run ${result?.runId}, not ${runId(spec)}`);
    }
    // The run may have been computed for another experiment: report it as this one's.
    return { ...result, spec: { ...result.spec, experiment: spec.experiment } };
  }

  /** Writes a run's result atomically and releases the run's claim. */
  async write(result: RunResult): Promise<void> {
    await writeFileAtomic(this.resultPath(result.spec), JSON.stringify(result, null, 1) + "\n");
    await this.release(result.spec);
  }

  /**
   * Claims a run for this process. Returns false when another live process
   * holds the claim.
   */
  async claim(spec: RunSpec): Promise<boolean> {
    const path = this.#claimPath(spec);
    await Deno.mkdir(this.root, { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await Deno.writeTextFile(path, `${Deno.pid}\n`, { createNew: true });
        return true;
      } catch (error) {
        if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      }
      const owner = Number((await Deno.readTextFile(path).catch(() => "")).trim());
      if (owner === Deno.pid) return true;
      if (Number.isInteger(owner) && owner > 0 && processIsAlive(owner)) return false;
      // The owner died (or the claim is unreadable): take the run over.
      await Deno.remove(path).catch(() => {});
    }
    return false;
  }

  /** Releases this process's claim on a run (no-op when it holds none). */
  async release(spec: RunSpec): Promise<void> {
    const path = this.#claimPath(spec);
    const owner = Number((await Deno.readTextFile(path).catch(() => "")).trim());
    if (owner === Deno.pid) await Deno.remove(path).catch(() => {});
  }
}

/** Whether a process with this id exists (Linux: /proc; elsewhere assume it does). */
function processIsAlive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    return true;
  }
}
