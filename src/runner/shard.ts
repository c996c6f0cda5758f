/**
 * Shards: a deterministic partition of a study's runs into N parts, so that N
 * machines (a Slurm job array) can each compute one part on a shared store.
 *
 * Balanced by estimated cost (cost_estimate.ts: epochs x model size x
 * engine), longest first: runs are taken from the most to the least
 * expensive and each goes to the shard with the least estimated work so far
 * (the LPT rule, within 4/3 of the best possible longest shard). Ties are
 * broken by run id and by shard number, and the estimates are computed the
 * same way everywhere, so every machine computes the same partition from the
 * same experiment files, whatever the order of the files' runs; every run is
 * in exactly one shard (a run listed twice, e.g. by two experiments, is one
 * run).
 *
 * @module
 */
import { runId } from "../config/run_id.ts";
import type { RunSpec } from "../config/types.ts";
import { estimatedRunSeconds } from "./cost_estimate.ts";

/** One shard of N: `index` counts from 1 (`--shard 1/3` .. `--shard 3/3`). */
export interface Shard {
  /** 1-based shard number. */
  index: number;
  /** Number of shards. */
  count: number;
}

/**
 * Parses `I/N` (1 <= I <= N, integers).
 *
 * @throws Error (exit code 2) with a one-line message when the text is not a shard.
 */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || !(count >= 1 && index >= 1 && index <= count)) {
    throw Object.assign(
      new Error(
        `--shard must be I/N with 1 <= I <= N (e.g. 2/8), got ${JSON.stringify(text)}`,
      ),
      { exitCode: 2 },
    );
  }
  return { index, count };
}

/** The runs of every shard, with each shard's estimated seconds. */
export interface ShardPlan {
  /** `shards[i]` holds the runs of shard i + 1, most expensive first. */
  shards: RunSpec[][];
  /** Estimated single-core seconds of each shard. */
  seconds: number[];
}

/** Partitions the runs into `count` shards (see the module comment). */
export function planShards(specs: readonly RunSpec[], count: number): ShardPlan {
  if (!(Number.isInteger(count) && count >= 1)) {
    throw new RangeError(`shard count must be a positive integer, got ${count}`);
  }
  const unique = new Map<string, RunSpec>();
  for (const spec of specs) if (!unique.has(runId(spec))) unique.set(runId(spec), spec);
  const runs = [...unique].map(([id, spec]) => ({ id, spec, seconds: estimatedRunSeconds(spec) }))
    .sort((left, right) =>
      right.seconds - left.seconds || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0)
    );
  const shards: RunSpec[][] = Array.from({ length: count }, () => []);
  const seconds: number[] = new Array(count).fill(0);
  for (const run of runs) {
    let lightest = 0;
    for (let shard = 1; shard < count; shard++) {
      if (seconds[shard] < seconds[lightest]) lightest = shard;
    }
    shards[lightest].push(run.spec);
    seconds[lightest] += run.seconds;
  }
  return { shards, seconds };
}

/** The runs of one shard. */
export function shardRuns(specs: readonly RunSpec[], shard: Shard): RunSpec[] {
  return planShards(specs, shard.count).shards[shard.index - 1];
}
