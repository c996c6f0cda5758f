/**
 * The helper thread of a {@link ParallelTrainingSession}: a Web Worker with
 * its own tfjs instance that computes the loss and gradients of its half of
 * every batch. It talks to the session through shared memory only (no
 * messages per step): it waits on a command counter, reads the weights and
 * its rows, writes its gradients and loss, and bumps a done counter.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type BackendName, initBackend } from "./backend.ts";
import { type LayerShape, type LossKind, MaskedNetwork } from "./network.ts";
import { forwardBackward } from "./train.ts";
import { type SharedLayout, sharedViews } from "./shared_layout.ts";

/** The one message the worker receives, before any step. */
export interface GradientWorkerInit {
  /** Shared memory of the session. */
  buffer: SharedArrayBuffer;
  /** Layer shapes of the network. */
  shapes: LayerShape[];
  /** Training loss. */
  loss: LossKind;
  /** Where everything lies in `buffer`. */
  layout: SharedLayout;
  /** Backend to compute on. */
  backend: BackendName;
}

declare const self: {
  onmessage: ((event: MessageEvent<GradientWorkerInit>) => void) | null;
  postMessage(message: unknown): void;
};

self.onmessage = async (event) => {
  const init = event.data;
  await initBackend(init.backend);
  const views = sharedViews(init.buffer, init.layout);
  const network = new MaskedNetwork(init.shapes, {
    kernels: views.kernels.map((kernel) => kernel.slice()),
    biases: views.biases.map((bias) => bias.slice()),
  }, init.loss);
  self.postMessage("ready");
  let handled = 0;
  for (;;) {
    Atomics.wait(views.control, 0, handled);
    const command = Atomics.load(views.control, 0);
    if (command < 0) break;
    handled = command;
    views.kernels.forEach((kernel, layer) => network.kernels[layer].set(kernel));
    views.biases.forEach((bias, layer) => network.biases[layer].set(bias));
    network.upload();
    const rows = views.control[2];
    const inputs = tf.tensor2d(views.inputs.subarray(0, rows * init.layout.inputSize), [
      rows,
      init.layout.inputSize,
    ]);
    const targets = views.inputs === views.targets
      ? inputs
      : tf.tensor2d(views.targets.subarray(0, rows * init.layout.outputSize), [
        rows,
        init.layout.outputSize,
      ]);
    const pass = forwardBackward(network, inputs, targets);
    tf.dispose(targets === inputs ? [inputs] : [inputs, targets]);
    pass.gradients.forEach((gradient, layer) => {
      views.kernelGradients[layer].set(gradient.kernel);
      views.biasGradients[layer].set(gradient.bias);
    });
    views.loss[0] = pass.loss;
    Atomics.store(views.control, 1, command);
    Atomics.notify(views.control, 1);
  }
  network.dispose();
  self.postMessage("stopped");
};
