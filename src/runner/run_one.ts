/**
 * Executes one run: load the data, build the network with seeded
 * initialisation, let the pruning method choose the mask, train to the common
 * epoch budget, evaluate, and describe it all in a {@link RunResult}.
 *
 * The initial weights and the batch order depend only on the seed (and the
 * model), never on the method, so results of different methods with the same
 * seed are paired comparisons.
 *
 * Given a checkpoint path, a run saves its state after every epoch of the
 * final training phase and, when started again, resumes from the last one
 * (see checkpoint.ts); the result is identical to an uninterrupted run's. The
 * mask selection before it is not checkpointed but recomputed (deterministic).
 *
 * A diverged run (loss NaN or infinite) records NaN as its metrics: the
 * numbers a broken network scores are not results. The store writes them as
 * `null`. An autoencoder run also records `metrics.meanImageError`, the test
 * reconstruction error of predicting the training set's mean image: the
 * floor a network must beat before its cell says anything. Every run records
 * the units its final mask leaves with no input or no output, per layer
 * (`sparsity.disconnectedUnits`).
 *
 * @module
 */
import type { CurvePoint, LayerSparsity, RunResult, RunSpec } from "../config/types.ts";
import { runId } from "../config/run_id.ts";
import type { Dataset } from "../data/dataset.ts";
import { loadDataset } from "../data/registry.ts";
import { meanImageError } from "../data/mean_image.ts";
import { initBackend } from "../nn/backend.ts";
import { chooseEngine } from "../nn/engine_choice.ts";
import { initialWeights, modelArchitecture } from "../nn/models.ts";
import { MaskedNetwork } from "../nn/network.ts";
import { sparseEngineTimes } from "../nn/sparse_engine.ts";
import {
  evaluate,
  type Evaluation,
  type PreparedSplit,
  prepareSplit,
  TrainingSession,
} from "../nn/train.ts";
import { maskSparsity } from "../pruning/allocation.ts";
import { disconnectedUnits } from "../pruning/disconnected_units.ts";
import { applySanityCheck } from "../pruning/sanity_checks.ts";
import { densityAwareWeights, initializationOf } from "../pruning/initialization.ts";
import type { PruningContext } from "../pruning/method.ts";
import { getPruningMethod } from "../pruning/registry.ts";
import { Rng } from "../rng.ts";
import { TOOL_VERSION } from "../version.ts";
import {
  captureCheckpoint,
  readCheckpoint,
  restoreCheckpoint,
  writeCheckpoint,
} from "./checkpoint.ts";

/** Where runs get their data from; shared by the runs of one worker. */
export interface DataProvider {
  /** The dataset, loaded once. */
  dataset(name: RunSpec["dataset"]): Promise<Dataset>;
}

/** A provider that loads each dataset once and keeps it. */
export function cachingDataProvider(options: { dataDir?: string } = {}): DataProvider {
  const loaded = new Map<string, Promise<Dataset>>();
  return {
    dataset(name) {
      let dataset = loaded.get(name);
      if (!dataset) {
        dataset = loadDataset(name, { dataDir: options.dataDir });
        loaded.set(name, dataset);
      }
      return dataset;
    },
  };
}

function primaryMetricOf(evaluation: Evaluation): RunResult["primaryMetric"] {
  return evaluation.accuracy !== undefined
    ? { name: "testAccuracy", value: evaluation.accuracy, higherIsBetter: true }
    : {
      name: "reconstructionError",
      value: evaluation.reconstructionError ?? Number.NaN,
      higherIsBetter: false,
    };
}

function layerSparsities(network: MaskedNetwork): LayerSparsity[] {
  return network.shapes.map((shape, layer) => {
    const mask = network.masks[layer];
    let pruned = 0;
    for (let index = 0; index < mask.length; index++) if (mask[index] === 0) pruned++;
    return { layer: shape.name, total: mask.length, pruned, sparsity: pruned / mask.length };
  });
}

/** Options of {@link executeRun}. */
export interface RunOptions {
  /**
   * Where to keep the run's checkpoint: written (atomically) after every
   * epoch of the final training phase but the last, and resumed from when
   * present at the start. The caller deletes it once the result is stored.
   */
  checkpointPath?: string;
  /**
   * Called after each checkpoint is written, with the number of final-phase
   * epochs it holds (tests throw from it to simulate a crash).
   */
  onCheckpoint?: (trainingEpochsDone: number) => void | Promise<void>;
  /**
   * Filled with the seconds each part of the run took (for `deno task bench
   * --study`, which shows where a run's time goes). Adds a clock read per
   * part, nothing per step.
   */
  profile?: RunProfile;
}

/** Seconds of each part of a run, and the arithmetic it trained. */
export interface RunProfile {
  /** Starting the tfjs backend (once per process; later runs find it started). */
  backend: number;
  /** Getting the dataset (decoded once per worker) and preparing its targets. */
  data: number;
  /** Initial weights and the pruning context. */
  setup: number;
  /** The method's mask selection (its scoring passes and training epochs), evaluations excluded. */
  maskSelection: number;
  /** The final training epochs, evaluations excluded. */
  training: number;
  /** Evaluations on the test split (after every epoch and at the end). */
  evaluation: number;
  /** Everything else: restarts, checkpoints, the result's summary. */
  other: number;
  /** Seconds copying weights, masks and optimiser state between the host and the sparse engine. */
  engineCopies: number;
  /** Seconds assembling batches into the sparse engine. */
  batchAssembly: number;
  /** Operations over kept weights of every training epoch (src/nn/arithmetic.ts). */
  trainingOperations: number;
}

/** Executes one run and returns its result (never throws for a diverging loss). */
export async function executeRun(
  spec: RunSpec,
  data: DataProvider,
  options: RunOptions = {},
): Promise<RunResult> {
  const started = performance.now();
  // Specs without a revision follow revision 1 (src/config/engine_revision.ts).
  const revision = spec.engineRevision ?? 1;
  const engineTimesAtStart = sparseEngineTimes();
  let lap = started;
  /** Seconds since the last lap, for the profile. */
  const sinceLap = (): number => {
    const now = performance.now();
    const seconds = (now - lap) / 1000;
    lap = now;
    return seconds;
  };
  let evaluationSeconds = 0;
  const timedEvaluate = (network: MaskedNetwork): Evaluation => {
    const from = performance.now();
    const evaluation = evaluate(network, test, undefined, spec.engine, revision);
    evaluationSeconds += (performance.now() - from) / 1000;
    return evaluation;
  };
  const backend = await initBackend(spec.backend);
  const backendSeconds = sinceLap();
  const dataset = await data.dataset(spec.dataset);
  const autoencoder = spec.model.kind === "autoencoder";
  const train: PreparedSplit = prepareSplit(
    dataset.train,
    dataset.inputSize,
    dataset.classes,
    autoencoder,
  );
  const test = prepareSplit(dataset.test, dataset.inputSize, dataset.classes, autoencoder);
  const dataSeconds = sinceLap();
  const { shapes, loss } = modelArchitecture(spec.model, {
    inputSize: dataset.inputSize,
    classes: dataset.classes,
  });
  const seedRng = new Rng(spec.seed);
  const weights = initialWeights(shapes, seedRng.fork("initialisation"));
  const curve: CurvePoint[] = [];
  const record = (
    network: MaskedNetwork,
    epoch: number,
    meanLoss: number,
    phase: CurvePoint["phase"],
  ): Evaluation => {
    const evaluation = timedEvaluate(network);
    curve.push({
      epoch,
      phase,
      trainLoss: meanLoss,
      testMetric: primaryMetricOf(evaluation).value,
      sparsity: maskSparsity(network.masks),
    });
    return evaluation;
  };
  // Every session of the run (K-starts candidates, IMP rounds, restarts), to
  // count the epochs each engine trained.
  const sessions: TrainingSession[] = [];
  const newSession = (network: MaskedNetwork) => {
    const session = new TrainingSession(network, train, spec.training, spec.seed, {
      engine: spec.engine,
      engineRevision: revision,
    });
    sessions.push(session);
    return session;
  };
  const context: PruningContext = {
    method: spec.method,
    targetSparsity: spec.sparsity,
    training: spec.training,
    initialWeights: weights,
    createNetwork: () => new MaskedNetwork(shapes, weights, loss),
    createSession: (network) => newSession(network),
    trainData: train,
    rng: seedRng.fork(`pruning/${spec.method.name}`),
    methodRng: (name) => seedRng.fork(`pruning/${name}`),
    onFinalNetworkEpoch: (network, epoch, meanLoss) => {
      record(network, epoch, meanLoss, "pruning");
    },
  };
  const setupSeconds = sinceLap();
  const outcome = getPruningMethod(spec.method.name).prune(context);
  const maskSelectionSeconds = sinceLap() - evaluationSeconds;
  let session = outcome.session;
  let budgetUsed = outcome.budgetEpochsUsed;
  let divergedAt = outcome.divergedAt;
  const restart = spec.method.retrain === true ||
    (spec.method.sanityCheck !== undefined && spec.method.sanityCheck !== "none");
  if (restart && !divergedAt) {
    const masks = applySanityCheck(
      String(spec.method.sanityCheck ?? "none"),
      session.network.getMasks(),
      seedRng.fork("sanity-check"),
    );
    const restartWeights = spec.method.sanityCheck === "reinitialize"
      ? initialWeights(shapes, seedRng.fork("reinitialisation"))
      : weights;
    session.network.dispose();
    const network = new MaskedNetwork(shapes, restartWeights, loss);
    network.setMasks(masks);
    if (initializationOf(spec.method) === "density-aware") {
      network.setWeights(densityAwareWeights(restartWeights, masks, shapes));
    }
    session = newSession(network);
    budgetUsed = 0;
    curve.length = 0;
  }
  const remaining = Math.max(0, spec.training.epochs - budgetUsed);
  const id = runId(spec);
  // Epochs each engine trained while the mask was chosen (recomputed on a
  // resume, so counted the same); the final phase is added below by the
  // rule, so that epochs restored from a checkpoint count as trained.
  const engineEpochs = { sparse: 0, dense: 0 };
  for (const each of sessions) {
    engineEpochs.sparse += each.epochsByEngine.sparse;
    engineEpochs.dense += each.epochsByEngine.dense;
  }
  const finalEngine = chooseEngine(spec.engine, session.network.masks, revision);
  let trainingEpochsDone = 0;
  if (!divergedAt && options.checkpointPath !== undefined) {
    const checkpoint = await readCheckpoint(options.checkpointPath, id);
    if (
      checkpoint !== undefined && checkpoint.trainingEpochsDone <= remaining &&
      restoreCheckpoint(session, checkpoint)
    ) {
      trainingEpochsDone = checkpoint.trainingEpochsDone;
      curve.length = 0;
      curve.push(...checkpoint.curve);
    }
  }
  let otherSeconds = sinceLap();
  const evaluationBeforeFinalTraining = evaluationSeconds;
  // The evaluation after the last epoch trained here: nothing changes the
  // network after it, so the final metrics are that evaluation, not a second one.
  let lastEpochEvaluation: Evaluation | undefined;
  // One epoch at a time, so that a checkpoint can be written between epochs.
  while (!divergedAt && trainingEpochsDone < remaining) {
    lastEpochEvaluation = undefined;
    const outcomeOfTraining = session.trainEpochs(1, {
      onEpochEnd: (epoch, meanLoss) => {
        lastEpochEvaluation = record(session.network, epoch, meanLoss, "training");
      },
    });
    divergedAt = outcomeOfTraining.divergedAt;
    if (divergedAt) {
      engineEpochs[finalEngine]++;
      break;
    }
    trainingEpochsDone++;
    if (options.checkpointPath !== undefined && trainingEpochsDone < remaining) {
      await writeCheckpoint(
        options.checkpointPath,
        captureCheckpoint(id, session, trainingEpochsDone, curve),
      );
      await options.onCheckpoint?.(trainingEpochsDone);
    }
  }
  const trainingSeconds = sinceLap() - (evaluationSeconds - evaluationBeforeFinalTraining);
  const network = session.network;
  const perLayer = layerSparsities(network);
  const cutOff = disconnectedUnits(network.shapes, network.masks);
  const final = (!divergedAt ? lastEpochEvaluation : undefined) ?? timedEvaluate(network);
  sinceLap();
  const primaryMetric = primaryMetricOf(final);
  const metrics: Record<string, number> = { testLoss: final.loss };
  if (final.accuracy !== undefined) metrics.testAccuracy = final.accuracy;
  if (final.reconstructionError !== undefined) {
    metrics.reconstructionError = final.reconstructionError;
  }
  network.dispose();
  const finite = Number.isFinite(primaryMetric.value) && Number.isFinite(final.loss);
  const status = divergedAt || !finite ? "diverged" : "completed";
  if (status === "diverged") {
    primaryMetric.value = Number.NaN;
    for (const name of Object.keys(metrics)) metrics[name] = Number.NaN;
  }
  if (autoencoder) {
    // The floor is a property of the data, not of the network: kept for a diverged run too.
    metrics.meanImageError = meanImageError(dataset.train, dataset.test, dataset.inputSize);
  }
  const result: RunResult = {
    schemaVersion: 1,
    runId: id,
    spec,
    status,
    primaryMetric,
    metrics,
    sparsity: {
      target: spec.sparsity,
      achieved: maskSparsity(network.masks),
      perLayer,
      collapsedLayers: perLayer.filter((layer) => layer.pruned === layer.total).map((layer) =>
        layer.layer
      ),
      disconnectedUnits: cutOff,
    },
    cost: {
      pruningEpochs: outcome.pruningEpochs,
      trainingEpochs: restart ? spec.training.epochs : remaining,
      totalEpochs: outcome.pruningEpochs + (restart ? spec.training.epochs : remaining),
    },
    curve,
    methodReport: outcome.report,
    wallSeconds: (performance.now() - started) / 1000,
    versions: {
      tool: TOOL_VERSION,
      deno: Deno.version.deno,
      tfjs: backend.tfjsVersion,
      backend: backend.backend,
    },
  };
  // The final phase's masks are fixed: every epoch of it trained on the
  // engine the rule chooses for them (a diverged one is counted above).
  engineEpochs[finalEngine] += trainingEpochsDone;
  result.engine = {
    setting: spec.engine,
    sparseEpochs: engineEpochs.sparse,
    denseEpochs: engineEpochs.dense,
  };
  if (divergedAt) result.divergedAt = divergedAt;
  if (options.profile !== undefined) {
    otherSeconds += sinceLap();
    const engineTimes = sparseEngineTimes();
    Object.assign(
      options.profile,
      {
        backend: backendSeconds,
        data: dataSeconds,
        setup: setupSeconds,
        maskSelection: maskSelectionSeconds,
        training: trainingSeconds,
        evaluation: evaluationSeconds,
        other: otherSeconds,
        engineCopies: engineTimes.copies - engineTimesAtStart.copies,
        batchAssembly: engineTimes.batchAssembly - engineTimesAtStart.batchAssembly,
        trainingOperations: sessions.reduce((sum, each) => sum + each.trainedOperations, 0),
      } satisfies RunProfile,
    );
  }
  return result;
}
