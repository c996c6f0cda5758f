/**
 * The result store: one JSON file per run, `<root>/<runId>.json`,
 * written atomically, so a finished run is never lost and never half-written.
 *
 * Claims let sweeps share a store, on one host or on several sharing a file
 * system: before computing a run a sweep creates `<runId>.claim` exclusively
 * (see claim_file.ts: host, boot id, process id and a lease); a sweep that
 * finds a live claim leaves the run to its owner. A claim whose lease expired
 * (its owner stopped refreshing it), or whose process on this host is gone,
 * is taken over. The sweep refreshes its claims ({@link
 * ResultStore.refreshClaims}) every quarter lease while their runs compute.
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
import { removeStaleTemporaryFiles, writeFileAtomic } from "../atomic_file.ts";
import { leaseSeconds } from "../lease.ts";
import { resultShapeProblem } from "./result_shape.ts";
import {
  claimIsStale,
  type ClaimRecord,
  createClaim,
  newClaimRecord,
  observeClaim,
  refreshClaim,
  removeStaleClaim,
} from "./claim_file.ts";

/** Options of a {@link ResultStore}. */
export interface ResultStoreOptions {
  /**
   * Lease of this process's claims, and the one it allows unreadable claims
   * and temporary files of other hosts, in seconds (default: the
   * `PRUNING_LEASE_SECONDS` environment variable, else 60).
   */
  leaseSeconds?: number;
}

/** A directory of run results. */
export class ResultStore {
  /** Root directory of the store. */
  readonly root: string;
  /** Lease of this process's claims, in seconds. */
  readonly leaseSeconds: number;
  /** Claims this process holds, by path. */
  readonly #held = new Map<string, ClaimRecord>();

  /**
   * Opens (lazily creates) the store at `root`.
   *
   * @throws Error (exit code 2) when the lease setting is not a positive number.
   */
  constructor(root: string, options: ResultStoreOptions = {}) {
    this.root = root;
    this.leaseSeconds = leaseSeconds(options.leaseSeconds);
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
   * mid-write left behind, and stale claims (those of live processes, on this
   * host or another, are kept).
   *
   * @throws Error with a one-line message naming the directory when it cannot
   *   be created or is not a directory (e.g. `runs` is a file, or the output
   *   is on a read-only file system).
   */
  async prepare(): Promise<void> {
    try {
      await Deno.mkdir(this.root, { recursive: true });
      if (!(await Deno.stat(this.root)).isDirectory) throw new Error("not a directory");
      await removeStaleTemporaryFiles(this.root, this.leaseSeconds);
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
   * Deletes stale claims (see claim_file.ts). A sweep killed after writing a
   * result but before releasing its claim leaves one; the run is then skipped
   * as stored, so nothing else would ever remove it. Also deletes what a
   * takeover killed between its two steps left (`.claim.stale-*`).
   */
  async #removeStaleClaims(): Promise<void> {
    for await (const entry of Deno.readDir(this.root)) {
      const isClaim = entry.name.endsWith(".claim");
      // Results and checkpoints are never read here: only claims and takeover leftovers.
      if (!entry.isFile || !(isClaim || /\.claim\.stale-[0-9a-f]{8}$/.test(entry.name))) continue;
      const path = join(this.root, entry.name);
      const observed = await observeClaim(path);
      if (observed === undefined || !claimIsStale(observed, this.leaseSeconds)) continue;
      if (isClaim) await removeStaleClaim(path, observed, this.leaseSeconds);
      else await Deno.remove(path).catch(() => {});
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
   * file that does not parse, belongs to other settings, or lacks a field (or
   * has one of the wrong type, see result_shape.ts) is an error naming the
   * file: it is never silently recomputed over or used.
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
    const problem = resultShapeProblem(result);
    if (problem !== undefined) {
      throw new Error(
        `${path}: stored result is incomplete or malformed (${problem}); delete it to recompute ` +
          "the run",
      );
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
   * Claims a run for this process. Returns false when another live process,
   * here or on another host, holds the claim; takes a stale claim over.
   */
  async claim(spec: RunSpec): Promise<boolean> {
    const path = this.#claimPath(spec);
    await Deno.mkdir(this.root, { recursive: true });
    for (let attempt = 0; attempt < 3; attempt++) {
      const record = newClaimRecord(this.leaseSeconds);
      if (await createClaim(path, record)) {
        this.#held.set(path, record);
        return true;
      }
      const observed = await observeClaim(path);
      // Released between the two steps: try again.
      if (observed === undefined) continue;
      if (observed.record !== undefined && observed.record.token === this.#held.get(path)?.token) {
        return true;
      }
      if (!claimIsStale(observed, this.leaseSeconds)) return false;
      await removeStaleClaim(path, observed, this.leaseSeconds);
    }
    return false;
  }

  /** Releases this process's claim on a run (no-op when it holds none). */
  async release(spec: RunSpec): Promise<void> {
    const path = this.#claimPath(spec);
    const record = this.#held.get(path);
    if (record === undefined) return;
    this.#held.delete(path);
    const current = await observeClaim(path).catch(() => undefined);
    if (current?.record?.token === record.token) await Deno.remove(path).catch(() => {});
  }

  /**
   * Refreshes the lease of every claim this process holds. Returns the paths
   * of claims it no longer holds: taken over by another sweep because this
   * one failed to refresh them in time (their runs may then be computed
   * twice, with identical results; the store keeps one).
   */
  async refreshClaims(): Promise<string[]> {
    const lost: string[] = [];
    for (const [path, record] of [...this.#held]) {
      if (!(await refreshClaim(path, record)) && this.#held.get(path) === record) {
        this.#held.delete(path);
        lost.push(path);
      }
    }
    return lost;
  }
}

/** Turns the `null`s JSON wrote for NaN metrics back into NaN. */
function restoreNonFinite(result: RunResult): void {
  if (result.primaryMetric?.value === null) result.primaryMetric.value = Number.NaN;
  for (const [name, value] of Object.entries(result.metrics ?? {})) {
    if (value === null) result.metrics[name] = Number.NaN;
  }
}
