/**
 * `bench [--backend wasm|cpu] [--model mlp|autoencoder|all] [--density D] [--limit N] [--data-dir DIR]`:
 * trains one epoch of LeNet-300-100 and of the default autoencoder on the
 * full Fashion-MNIST training split at each density (1, 0.5, 0.2, 0.1, 0.05,
 * 0.02, 0.01 unless `--density` picks one), on the sparse engine and on the
 * dense masked path, and prints one JSON line per model and density.
 *
 * @module
 */
import type { ModelSettings } from "../config/types.ts";
import { BENCHMARK_DENSITIES, benchmarkEpoch } from "../runner/benchmark.ts";
import { type OptionValue, parseCommandLine, positiveInteger, stringOption } from "./options.ts";
import { UsageError } from "./usage_error.ts";

const MODELS: Record<string, ModelSettings> = {
  mlp: { kind: "mlp", hidden: [300, 100] },
  autoencoder: { kind: "autoencoder", hidden: [256, 64, 256] },
};

/** Parses `--density`: a number in (0, 1]. */
function densityOption(value: OptionValue): number | undefined {
  const text = stringOption(value);
  if (text === undefined) return undefined;
  const density = Number(text);
  if (text.trim() === "" || !Number.isFinite(density) || density <= 0 || density > 1) {
    throw new UsageError(`bench: --density must be a number in (0, 1], got "${text}"`);
  }
  return density;
}

/** Runs the command; returns the exit code. */
export async function benchCommand(args: string[]): Promise<number> {
  const { values } = parseCommandLine(
    "bench",
    args,
    {
      backend: {
        type: "string",
        valueName: "wasm|cpu",
        description: "the tfjs backend to time",
        defaultValue: "wasm",
      },
      model: {
        type: "string",
        valueName: "mlp|autoencoder|all",
        description: "the model(s) to time",
        defaultValue: "all",
      },
      density: {
        type: "string",
        valueName: "D",
        description: "time this density (kept share of the weights, in (0, 1]) only",
        defaultValue: "1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01",
      },
      limit: {
        type: "string",
        valueName: "N",
        description: "train on the first N images only",
        defaultValue: "all 60,000",
      },
      "data-dir": {
        type: "string",
        valueName: "DIR",
        description: "look for Fashion-MNIST here first",
      },
    },
    false,
    {
      usage: "bench [options]",
      summary: "Trains one epoch of each model on the full Fashion-MNIST training split at " +
        "each density, on the sparse engine and on the dense masked path, and prints one " +
        "JSON line per model and density.",
    },
  );
  const backend = stringOption(values.backend) ?? "wasm";
  if (backend !== "wasm" && backend !== "cpu") {
    throw new UsageError(`bench: --backend must be wasm or cpu, got "${backend}"`);
  }
  const model = stringOption(values.model) ?? "all";
  if (model !== "all" && !(model in MODELS)) {
    throw new UsageError(`bench: --model must be mlp, autoencoder or all, got "${model}"`);
  }
  const density = densityOption(values.density);
  const limit = positiveInteger("bench", "limit", values.limit);
  const names = model === "all" ? Object.keys(MODELS) : [model];
  for (const name of names) {
    for (const each of density === undefined ? BENCHMARK_DENSITIES : [density]) {
      const result = await benchmarkEpoch({
        model: MODELS[name],
        backend,
        density: each,
        limit,
        dataDir: stringOption(values["data-dir"]),
      });
      console.log(JSON.stringify(result));
    }
  }
  return 0;
}
