/**
 * Checkpoints of a run's final training phase, so that a long run killed
 * mid-way resumes at its last finished epoch and ends with the very result
 * (bit for bit) an uninterrupted run gives.
 *
 * A checkpoint is one JSON file, written atomically: the network's weights
 * and masks and the optimiser's state as base64 of the raw little-endian
 * Float32 bytes (exact, unlike decimal text), the epoch counts and the
 * learning curve so far. The mask-selection phase is not checkpointed: on
 * resume the pruning method runs again (it is deterministic given the seed),
 * and the checkpoint is used only when its masks equal the ones recomputed,
 * so a checkpoint from other code can never leak into a result.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { CurvePoint } from "../config/types.ts";
import type { OptimizerState } from "../nn/optimizers.ts";
import type { TrainingSession } from "../nn/train.ts";
import { TOOL_VERSION } from "../version.ts";
import { writeFileAtomic } from "../atomic_file.ts";

/** Format tag written into every checkpoint. */
export const CHECKPOINT_FORMAT = "pruning-run-checkpoint/1";

/** What a checkpoint holds. */
export interface RunCheckpoint {
  /** The run it belongs to. */
  runId: string;
  /** Version of the tool that wrote it (a checkpoint of another version is not used). */
  tool: string;
  /** Epochs the training session has counted (pruning epochs of the final network included). */
  sessionEpochs: number;
  /** Epochs of the final training phase finished. */
  trainingEpochsDone: number;
  /** Host kernels, per layer. */
  kernels: Float32Array[];
  /** Host biases, per layer. */
  biases: Float32Array[];
  /** Masks, per layer. */
  masks: Float32Array[];
  /** The optimiser's state. */
  optimizer: OptimizerState;
  /** The learning curve so far. */
  curve: CurvePoint[];
}

function encodeFloats(values: Float32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString("base64");
}

function decodeFloats(text: unknown): Float32Array {
  if (typeof text !== "string") throw new Error("expected base64 text");
  const bytes = Buffer.from(text, "base64");
  if (bytes.byteLength % 4 !== 0) throw new Error("byte count is not a multiple of 4");
  // Copy: the decoded bytes may not be 4-byte aligned.
  return new Float32Array(new Uint8Array(bytes).buffer);
}

function decodeFloatList(value: unknown): Float32Array[] {
  if (!Array.isArray(value)) throw new Error("expected a list of arrays");
  return value.map(decodeFloats);
}

/** Serialises a checkpoint to JSON text. */
export function encodeCheckpoint(checkpoint: RunCheckpoint): string {
  return JSON.stringify({
    format: CHECKPOINT_FORMAT,
    runId: checkpoint.runId,
    tool: checkpoint.tool,
    sessionEpochs: checkpoint.sessionEpochs,
    trainingEpochsDone: checkpoint.trainingEpochsDone,
    kernels: checkpoint.kernels.map(encodeFloats),
    biases: checkpoint.biases.map(encodeFloats),
    masks: checkpoint.masks.map(encodeFloats),
    optimizer: {
      kind: checkpoint.optimizer.kind,
      stepCount: checkpoint.optimizer.stepCount,
      slots: checkpoint.optimizer.slots.map(encodeFloats),
    },
    curve: checkpoint.curve,
  }) + "\n";
}

/**
 * Parses checkpoint text.
 *
 * @throws Error when the text is not a checkpoint of this format.
 */
export function decodeCheckpoint(text: string): RunCheckpoint {
  const raw = JSON.parse(text);
  if (raw?.format !== CHECKPOINT_FORMAT) throw new Error(`not a ${CHECKPOINT_FORMAT} file`);
  const integer = (value: unknown, name: string): number => {
    if (!Number.isInteger(value) || (value as number) < 0) throw new Error(`bad ${name}`);
    return value as number;
  };
  const kind = raw.optimizer?.kind;
  if (kind !== "adam" && kind !== "sgd") throw new Error("bad optimizer kind");
  if (!Array.isArray(raw.curve)) throw new Error("bad curve");
  return {
    runId: String(raw.runId),
    tool: String(raw.tool),
    sessionEpochs: integer(raw.sessionEpochs, "sessionEpochs"),
    trainingEpochsDone: integer(raw.trainingEpochsDone, "trainingEpochsDone"),
    kernels: decodeFloatList(raw.kernels),
    biases: decodeFloatList(raw.biases),
    masks: decodeFloatList(raw.masks),
    optimizer: {
      kind,
      stepCount: integer(raw.optimizer.stepCount, "optimizer.stepCount"),
      slots: decodeFloatList(raw.optimizer.slots),
    },
    curve: raw.curve as CurvePoint[],
  };
}

/** Captures a training session's state after `trainingEpochsDone` final-phase epochs. */
export function captureCheckpoint(
  runId: string,
  session: TrainingSession,
  trainingEpochsDone: number,
  curve: CurvePoint[],
): RunCheckpoint {
  const state = session.saveState();
  const network = session.network;
  return {
    runId,
    tool: TOOL_VERSION,
    sessionEpochs: state.epochsDone,
    trainingEpochsDone,
    kernels: network.kernels.map((kernel) => kernel.slice()),
    biases: network.biases.map((bias) => bias.slice()),
    masks: network.getMasks(),
    optimizer: state.optimizer,
    curve: structuredClone(curve),
  };
}

/** Writes a checkpoint atomically. */
export async function writeCheckpoint(path: string, checkpoint: RunCheckpoint): Promise<void> {
  await writeFileAtomic(path, encodeCheckpoint(checkpoint));
}

/**
 * Reads the checkpoint at `path` when it exists and belongs to `runId` and
 * this tool version; `undefined` otherwise (a missing, foreign or unreadable
 * checkpoint only means the run starts over, which gives the same result).
 */
export async function readCheckpoint(
  path: string,
  runId: string,
): Promise<RunCheckpoint | undefined> {
  try {
    const checkpoint = decodeCheckpoint(await Deno.readTextFile(path));
    return checkpoint.runId === runId && checkpoint.tool === TOOL_VERSION ? checkpoint : undefined;
  } catch {
    return undefined;
  }
}

function sameArrays(left: Float32Array[], right: Float32Array[]): boolean {
  if (left.length !== right.length) return false;
  return left.every((array, index) => {
    const other = right[index];
    if (array.length !== other.length) return false;
    for (let position = 0; position < array.length; position++) {
      if (!Object.is(array[position], other[position])) return false;
    }
    return true;
  });
}

/**
 * Puts a session back in the state a checkpoint recorded. Returns false, and
 * changes nothing, when the checkpoint does not fit: other masks than the
 * ones the pruning method chose again, or other shapes.
 */
export function restoreCheckpoint(session: TrainingSession, checkpoint: RunCheckpoint): boolean {
  const network = session.network;
  if (!sameArrays(checkpoint.masks, network.masks)) return false;
  const shapesFit = checkpoint.kernels.length === network.kernels.length &&
    checkpoint.biases.length === network.biases.length &&
    checkpoint.kernels.every((kernel, index) => kernel.length === network.kernels[index].length) &&
    checkpoint.biases.every((bias, index) => bias.length === network.biases[index].length);
  if (!shapesFit) return false;
  const before = session.saveState();
  try {
    session.loadState({ epochsDone: checkpoint.sessionEpochs, optimizer: checkpoint.optimizer });
  } catch {
    session.loadState(before);
    return false;
  }
  network.setWeights({ kernels: checkpoint.kernels, biases: checkpoint.biases });
  return true;
}
