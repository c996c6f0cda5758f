/**
 * Executes one run: load the data, build the network with seeded
 * initialisation, let the pruning method choose the mask, train to the common
 * epoch budget, evaluate, and describe it all in a {@link RunResult}.
 *
 * The initial weights and the batch order depend only on the seed (and the
 * model), never on the method, so results of different methods with the same
 * seed are paired comparisons.
 *
 * @module
 */
import type { CurvePoint, LayerSparsity, RunResult, RunSpec } from "../config/types.ts";
import { runId } from "../config/run_id.ts";
import type { Dataset } from "../data/dataset.ts";
import { loadDataset } from "../data/registry.ts";
import { initBackend } from "../nn/backend.ts";
import { initialWeights, modelArchitecture } from "../nn/models.ts";
import { MaskedNetwork } from "../nn/network.ts";
import {
  evaluate,
  type Evaluation,
  type PreparedSplit,
  prepareSplit,
  TrainingSession,
} from "../nn/train.ts";
import { maskSparsity } from "../pruning/allocation.ts";
import { applySanityCheck } from "../pruning/sanity_checks.ts";
import type { PruningContext } from "../pruning/method.ts";
import { getPruningMethod } from "../pruning/registry.ts";
import { Rng } from "../rng.ts";
import { TOOL_VERSION } from "../version.ts";

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

/** Executes one run and returns its result (never throws for a diverging loss). */
export async function executeRun(spec: RunSpec, data: DataProvider): Promise<RunResult> {
  const started = performance.now();
  const backend = await initBackend(spec.backend);
  const dataset = await data.dataset(spec.dataset);
  const autoencoder = spec.model.kind === "autoencoder";
  const train: PreparedSplit = prepareSplit(
    dataset.train,
    dataset.inputSize,
    dataset.classes,
    autoencoder,
  );
  const test = prepareSplit(dataset.test, dataset.inputSize, dataset.classes, autoencoder);
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
  ) => {
    curve.push({
      epoch,
      phase,
      trainLoss: meanLoss,
      testMetric: primaryMetricOf(evaluate(network, test)).value,
      sparsity: maskSparsity(network.masks),
    });
  };
  const context: PruningContext = {
    method: spec.method,
    targetSparsity: spec.sparsity,
    training: spec.training,
    initialWeights: weights,
    createNetwork: () => new MaskedNetwork(shapes, weights, loss),
    createSession: (network) => new TrainingSession(network, train, spec.training, spec.seed),
    trainData: train,
    rng: seedRng.fork(`pruning/${spec.method.name}`),
    onFinalNetworkEpoch: (network, epoch, meanLoss) => record(network, epoch, meanLoss, "pruning"),
  };
  const outcome = getPruningMethod(spec.method.name).prune(context);
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
    session = new TrainingSession(network, train, spec.training, spec.seed);
    budgetUsed = 0;
    curve.length = 0;
  }
  const remaining = Math.max(0, spec.training.epochs - budgetUsed);
  if (!divergedAt) {
    const outcomeOfTraining = session.trainEpochs(remaining, {
      onEpochEnd: (epoch, meanLoss) => record(session.network, epoch, meanLoss, "training"),
    });
    divergedAt = outcomeOfTraining.divergedAt;
  }
  const network = session.network;
  const perLayer = layerSparsities(network);
  const final = evaluate(network, test);
  const primaryMetric = primaryMetricOf(final);
  const metrics: Record<string, number> = { testLoss: final.loss };
  if (final.accuracy !== undefined) metrics.testAccuracy = final.accuracy;
  if (final.reconstructionError !== undefined) {
    metrics.reconstructionError = final.reconstructionError;
  }
  network.dispose();
  const finite = Number.isFinite(primaryMetric.value) && Number.isFinite(final.loss);
  const result: RunResult = {
    schemaVersion: 1,
    runId: runId(spec),
    spec,
    status: divergedAt || !finite ? "diverged" : "completed",
    primaryMetric,
    metrics,
    sparsity: {
      target: spec.sparsity,
      achieved: maskSparsity(network.masks),
      perLayer,
      collapsedLayers: perLayer.filter((layer) => layer.pruned === layer.total).map((layer) =>
        layer.layer
      ),
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
  if (divergedAt) result.divergedAt = divergedAt;
  return result;
}
