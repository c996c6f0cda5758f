/**
 * The result store: one JSON file per run, `<root>/<runId>.json`,
 * written atomically, so a finished run is never lost and never half-written.
 *
 * Claims let two sweeps share a store: before computing a run a sweep
 * creates `<runId>.claim` exclusively (holding its process id); a second
 * sweep that finds a live claim leaves the run to its owner. A claim whose
 * process is gone (killed) is taken over.
 *
 * A long run may also keep `<runId>.checkpoint` here while it trains (see
 * run_one.ts); writing the run's result deletes it.
 *
 * JSON has no NaN: a diverged run's non-finite metrics are stored as `null`
 * and read back as NaN, so the stored file is valid JSON and the in-memory
 * result keeps its number type.
 *
 * @module
 */
import { join } from "node:path";
import type { RunResult, RunSpec } from "../config/types.ts";
import { runId } from "../config/run_id.ts";
import { processIsAlive, removeStaleTemporaryFiles, writeFileAtomic } from "../atomic_file.ts";

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

  /** Path of a run's training checkpoint (present only while a long run is unfinished). */
  checkpointPath(spec: RunSpec): string {
    return join(this.root, `${runId(spec)}.checkpoint`);
  }

  /**
   * Creates the store's directory and removes temporaries that writers killed
   * mid-write left behind (those of live processes are kept).
   *
   * @throws Error with a one-line message naming the directory when it cannot
   *   be created or is not a directory (e.g. `runs` is a file, or the output
   *   is on a read-only file system).
   */
  async prepare(): Promise<void> {
    try {
      await Deno.mkdir(this.root, { recursive: true });
      if (!(await Deno.stat(this.root)).isDirectory) throw new Error("not a directory");
      await removeStaleTemporaryFiles(this.root);
      await this.#removeStaleClaims();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `${this.root}: cannot use as the result store (${reason.replace(/\s*\n\s*/g, " ")})`,
        { cause: error },
      );
    }
  }

  /**
   * Deletes the claims of processes that are gone. A sweep killed after
   * writing a result but before releasing its claim leaves one; the run is
   * then skipped as stored, so nothing else would ever remove it.
   */
  async #removeStaleClaims(): Promise<void> {
    for await (const entry of Deno.readDir(this.root)) {
      if (!entry.isFile || !entry.name.endsWith(".claim")) continue;
      const path = join(this.root, entry.name);
      const owner = Number((await Deno.readTextFile(path).catch(() => "")).trim());
      // An empty claim may be one a live sweep is writing right now: leave it to claim().
      if (!(Number.isInteger(owner) && owner > 0) || processIsAlive(owner)) continue;
      await Deno.remove(path).catch(() => {});
    }
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
    restoreNonFinite(result);
    // The run may have been computed for another experiment: report it as this one's.
    return { ...result, spec: { ...result.spec, experiment: spec.experiment } };
  }

  /**
   * Writes a run's result atomically, then deletes its checkpoint and
   * releases its claim (in that order: a crash in between leaves a result and
   * a useless checkpoint, never a checkpoint without its result being safe).
   */
  async write(result: RunResult): Promise<void> {
    await writeFileAtomic(this.resultPath(result.spec), JSON.stringify(result, null, 1) + "\n");
    await Deno.remove(this.checkpointPath(result.spec)).catch(() => {});
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
      if (await createClaimFile(path)) return true;
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

/**
 * Creates a claim file holding this process's id; false when it exists. A
 * claim that cannot be written completely (disk full) is removed again, so
 * it never outlives the error.
 */
async function createClaimFile(path: string): Promise<boolean> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { write: true, createNew: true });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    throw claimError(path, error);
  }
  try {
    await file.write(new TextEncoder().encode(`${Deno.pid}\n`));
  } catch (error) {
    file.close();
    await Deno.remove(path).catch(() => {});
    throw claimError(path, error);
  }
  file.close();
  return true;
}

function claimError(path: string, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`${path}: cannot claim the run (${reason})`, { cause: error });
}

/** Turns the `null`s JSON wrote for NaN metrics back into NaN. */
function restoreNonFinite(result: RunResult): void {
  if (result.primaryMetric?.value === null) result.primaryMetric.value = Number.NaN;
  for (const [name, value] of Object.entries(result.metrics ?? {})) {
    if (value === null) result.metrics[name] = Number.NaN;
  }
}
