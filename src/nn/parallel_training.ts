/**
 * Training one network on two cores: each batch is split in two, this thread
 * computes the gradients of the first half while a helper thread (its own
 * tfjs instance, see gradient_worker.ts) computes the second, and the two are
 * averaged, weighted by their row counts, before the usual optimiser step.
 *
 * Why: tfjs's WASM threads are off under Deno, so one training run uses one
 * core; a sweep fills the cores with independent runs, but one long run (or
 * the benchmark) would leave the second core idle. The result is as
 * deterministic as the single-thread session (the split and the summation
 * order are fixed), but not bitwise equal to it: a batch's gradient is a sum
 * of two half-batch products instead of one product.
 *
 * @module
 */
import type { TrainingSettings } from "../config/types.ts";
import type { BackendName } from "./backend.ts";
import type { MaskedNetwork } from "./network.ts";
import type { LayerGradients } from "./optimizers.ts";
import { sharedByteLength, type SharedLayout, sharedLayout, sharedViews } from "./shared_layout.ts";
import type { SharedViews } from "./shared_layout.ts";
import type { GradientWorkerInit } from "./gradient_worker.ts";
import {
  type BatchPass,
  batchTensors,
  forwardBackward,
  type PreparedSplit,
  TrainingSession,
} from "./train.ts";
import * as tf from "@tensorflow/tfjs";

/** A training session that computes every batch on two cores. */
export class ParallelTrainingSession extends TrainingSession {
  readonly #worker: Worker;
  readonly #views: SharedViews;
  readonly #layout: SharedLayout;
  #step = 0;

  private constructor(
    network: MaskedNetwork,
    data: PreparedSplit,
    settings: TrainingSettings,
    seed: number | string,
    worker: Worker,
    views: SharedViews,
    layout: SharedLayout,
  ) {
    super(network, data, settings, seed);
    this.#worker = worker;
    this.#views = views;
    this.#layout = layout;
  }

  /** Starts the helper thread and returns a session once it is ready. */
  static async create(
    network: MaskedNetwork,
    data: PreparedSplit,
    settings: TrainingSettings,
    seed: number | string,
    backend: BackendName,
  ): Promise<ParallelTrainingSession> {
    const layout = sharedLayout(
      network.shapes,
      data.inputSize,
      data.outputSize,
      Math.floor(settings.batchSize / 2),
      data.targets === data.inputs,
    );
    const buffer = new SharedArrayBuffer(sharedByteLength(layout));
    const views = sharedViews(buffer, layout);
    const worker = new Worker(new URL("./gradient_worker.ts", import.meta.url), {
      type: "module",
    });
    await new Promise<void>((resolve, reject) => {
      worker.onmessage = () => resolve();
      worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(`gradient worker failed to start: ${event.message}`));
      };
      worker.postMessage(
        {
          buffer,
          shapes: network.shapes,
          loss: network.loss,
          layout,
          backend,
        } satisfies GradientWorkerInit,
      );
    });
    return new ParallelTrainingSession(network, data, settings, seed, worker, views, layout);
  }

  /** Both halves of the batch, combined into the batch's mean loss and gradients. */
  protected override computeBatch(order: Int32Array, start: number, end: number): BatchPass {
    const rows = end - start;
    const helperRows = Math.min(Math.floor(rows / 2), this.#layout.maxRows);
    const ownRows = rows - helperRows;
    if (helperRows === 0) return super.computeBatch(order, start, end);
    const views = this.#views;
    this.network.kernels.forEach((kernel, layer) => views.kernels[layer].set(kernel));
    this.network.biases.forEach((bias, layer) => views.biases[layer].set(bias));
    const data = this.data;
    for (let row = 0; row < helperRows; row++) {
      const example = order[start + ownRows + row];
      views.inputs.set(
        data.inputs.subarray(example * data.inputSize, (example + 1) * data.inputSize),
        row * data.inputSize,
      );
      if (views.targets !== views.inputs) {
        views.targets.set(
          data.targets.subarray(example * data.outputSize, (example + 1) * data.outputSize),
          row * data.outputSize,
        );
      }
    }
    views.control[2] = helperRows;
    this.#step++;
    Atomics.store(views.control, 0, this.#step);
    Atomics.notify(views.control, 0);
    const { inputs, targets } = batchTensors(data, order, start, start + ownRows);
    const own = forwardBackward(this.network, inputs, targets);
    tf.dispose(targets === inputs ? [inputs] : [inputs, targets]);
    while (Atomics.load(views.control, 1) !== this.#step) {
      Atomics.wait(views.control, 1, Atomics.load(views.control, 1));
    }
    const ownWeight = ownRows / rows;
    const helperWeight = helperRows / rows;
    const combine = (mine: Float32Array, theirs: Float32Array) => {
      const combined = new Float32Array(mine.length);
      for (let index = 0; index < mine.length; index++) {
        combined[index] = ownWeight * mine[index] + helperWeight * theirs[index];
      }
      return combined;
    };
    const gradients: LayerGradients[] = own.gradients.map((gradient, layer) => ({
      kernel: combine(gradient.kernel, views.kernelGradients[layer]),
      bias: combine(gradient.bias, views.biasGradients[layer]),
    }));
    return { loss: ownWeight * own.loss + helperWeight * views.loss[0], gradients };
  }

  /** Stops the helper thread. */
  override dispose(): void {
    Atomics.store(this.#views.control, 0, -1);
    Atomics.notify(this.#views.control, 0);
    this.#worker.terminate();
  }
}
