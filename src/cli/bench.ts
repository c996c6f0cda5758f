/**
 * `bench [--backend wasm|cpu] [--model mlp|autoencoder|all] [--limit N] [--data-dir DIR]`:
 * trains one epoch of LeNet-300-100 and of the default autoencoder on the
 * full Fashion-MNIST training split and prints one JSON line each.
 *
 * @module
 */
import type { ModelSettings } from "../config/types.ts";
import { benchmarkEpoch } from "../runner/benchmark.ts";
import { parseCommandLine, positiveInteger, stringOption } from "./options.ts";
import { UsageError } from "./usage_error.ts";

const MODELS: Record<string, ModelSettings> = {
  mlp: { kind: "mlp", hidden: [300, 100] },
  autoencoder: { kind: "autoencoder", hidden: [256, 64, 256] },
};

/** Runs the command; returns the exit code. */
export async function benchCommand(args: string[]): Promise<number> {
  const { values } = parseCommandLine("bench", args, {
    backend: { type: "string" },
    model: { type: "string" },
    limit: { type: "string" },
    "data-dir": { type: "string" },
  }, false);
  const backend = stringOption(values.backend) ?? "wasm";
  if (backend !== "wasm" && backend !== "cpu") {
    throw new UsageError(`bench: --backend must be wasm or cpu, got "${backend}"`);
  }
  const model = stringOption(values.model) ?? "all";
  if (model !== "all" && !(model in MODELS)) {
    throw new UsageError(`bench: --model must be mlp, autoencoder or all, got "${model}"`);
  }
  const names = model === "all" ? Object.keys(MODELS) : [model];
  for (const name of names) {
    const result = await benchmarkEpoch({
      model: MODELS[name],
      backend,
      limit: positiveInteger("bench", "limit", values.limit),
      dataDir: stringOption(values["data-dir"]),
    });
    console.log(JSON.stringify(result));
  }
  return 0;
}
