/**
 * The one entry point to TensorFlow.js: `@tensorflow/tfjs-core` and the
 * pure-JS `cpu` backend (`backend.ts` adds the WASM backend), instead of the
 * full `@tensorflow/tfjs` bundle, whose layers, converter, data and WebGL
 * packages (76 npm packages in all) the harness never used. The harness
 * computes its own gradients and calls ops as functions (`tf.matMul(a, b)`),
 * so neither the bundle's gradient registrations nor its chained tensor
 * methods (`a.matMul(b)`) are needed.
 *
 * @module
 */
import "@tensorflow/tfjs-backend-cpu";
import { version_core } from "@tensorflow/tfjs-core";

export * from "@tensorflow/tfjs-core";

/**
 * The tfjs version results and manifests record. The bundle's `tf.version.tfjs`
 * gave the same string: every tfjs package is pinned to one version.
 */
export const TFJS_VERSION: string = version_core;
