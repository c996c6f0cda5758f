/**
 * `bench [--backend wasm|cpu] [--model mlp|autoencoder|all] [--density D] [--limit N] [--pytorch] [--data-dir DIR]`:
 * trains one epoch of LeNet-300-100 and of the default autoencoder on the
 * full Fashion-MNIST training split at each density (those of
 * BENCHMARK_DENSITIES unless `--density` picks one), as `auto` trains it, on
 * the sparse engine in each layer layout and on the dense tfjs path, and
 * prints one JSON line per model and density; `--pytorch` adds PyTorch's
 * epoch, measured right after (bench/pytorch_reference.py).
 *
 * `bench --study FILE|--profile NAME`: one run of every cell (method and
 * sparsity) of a study, timed next to its arithmetic limit, with where its
 * time went (src/runner/study_benchmark.ts).
 *
 * @module
 */
import type { ModelSettings } from "../config/types.ts";
import { BENCHMARK_DENSITIES, benchmarkEpoch, type BenchmarkResult } from "../runner/benchmark.ts";
import {
  benchmarkCells,
  type CellBenchmark,
  cellsOf,
  measureEngineRate,
} from "../runner/study_benchmark.ts";
import { prepareStudy, reproductionFiles } from "../runner/study.ts";
import { initBackend } from "../nn/backend.ts";
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
      pytorch: {
        type: "boolean",
        description: "also time PyTorch's epoch beside each line (python3 with torch)",
      },
      study: {
        type: "string",
        valueName: "FILE",
        description: "time one run of every method and sparsity of this experiment file instead",
      },
      profile: {
        type: "string",
        valueName: "NAME",
        description: "with --study: its profile; alone: every reproduce experiment under it",
      },
      "data-dir": {
        type: "string",
        valueName: "DIR",
        description: "look for the datasets here first",
      },
    },
    false,
    {
      usage: "bench [options] | --study FILE [--profile P] | --profile P",
      summary: "Trains one epoch of each model on the full Fashion-MNIST training split at " +
        "each density, as auto trains it, on the sparse engine in each layer layout and on " +
        "the dense tfjs path, and prints one JSON line per model and density. With --study " +
        "or --profile: times one run per method and sparsity next to its arithmetic limit.",
    },
  );
  const dataDir = stringOption(values["data-dir"]);
  const study = stringOption(values.study);
  const profile = stringOption(values.profile);
  if (study !== undefined || profile !== undefined) {
    return await benchStudy(study, profile, dataDir);
  }
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
      const result: BenchmarkResult & {
        pytorchSecondsPerEpoch?: number;
        autoOverPytorch?: number;
      } = await benchmarkEpoch({
        model: MODELS[name],
        backend,
        density: each,
        limit,
        dataDir,
      });
      if (values.pytorch === true) {
        const pytorch = await pytorchEpoch(name, result.samples);
        result.pytorchSecondsPerEpoch = pytorch;
        result.autoOverPytorch = Math.round((result.secondsPerEpoch / pytorch) * 100) / 100;
      }
      console.log(JSON.stringify(result));
    }
  }
  return 0;
}

/** The PyTorch reference script, beside the harness (not part of the library). */
const PYTORCH_REFERENCE = new URL("../../bench/pytorch_reference.py", import.meta.url);

/**
 * The Python to run the reference with: `$PYTHON`, else Debian's
 * `/usr/bin/python3` (where `python3-torch` installs; a pyenv or virtualenv
 * `python3` earlier on the PATH usually lacks torch), else `python3`.
 */
function pythonCommand(): string {
  const named = Deno.env.get("PYTHON");
  if (named !== undefined && named !== "") return named;
  try {
    Deno.statSync("/usr/bin/python3");
    return "/usr/bin/python3";
  } catch {
    return "python3";
  }
}

/** Seconds of PyTorch's epoch of `model` on the first `samples` images, from the reference script. */
async function pytorchEpoch(model: string, samples: number): Promise<number> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(pythonCommand(), {
      args: [PYTORCH_REFERENCE.pathname, "--model", model, "--limit", String(samples)],
      env: { OMP_NUM_THREADS: Deno.env.get("OMP_NUM_THREADS") ?? "2" },
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    throw new UsageError(
      `bench: --pytorch: cannot start ${pythonCommand()}: ${(error as Error).message}`,
    );
  }
  const text = new TextDecoder().decode(output.stdout).trim();
  if (!output.success || text === "") {
    const reason = new TextDecoder().decode(output.stderr).trim().split("\n").at(-1);
    throw new UsageError(
      `bench: --pytorch: ${PYTORCH_REFERENCE.pathname} failed (${reason}); it needs python3 ` +
        "with torch (Debian: python3-torch)",
    );
  }
  return JSON.parse(text.split("\n").at(-1)!).secondsPerEpoch;
}

/** Seconds with three decimals, right-aligned to `width`. */
function seconds(value: number, width = 8): string {
  return value.toFixed(3).padStart(width);
}

/**
 * The parts of the runs' time summed over every cell, and how much of the
 * trained parts (mask selection and training) their arithmetic accounts for:
 * the rest of those is the kernels' distance from the measured rate, and
 * evaluation, set-up and other are fixed costs.
 */
export function breakdownLine(results: readonly CellBenchmark[]): string {
  const sum = (part: (profile: CellBenchmark["profile"]) => number) =>
    results.reduce((total, cell) => total + part(cell.profile), 0);
  const trained = sum((p) => p.maskSelection + p.training);
  const arithmetic = results.reduce((total, cell) => total + cell.limitSeconds, 0);
  return `breakdown: mask selection ${sum((p) => p.maskSelection).toFixed(2)} s, training ${
    sum((p) => p.training).toFixed(2)
  } s (arithmetic ${arithmetic.toFixed(2)} s of these ${trained.toFixed(2)} s), evaluation ${
    sum((p) => p.evaluation).toFixed(2)
  } s, set-up ${sum((p) => p.backend + p.data + p.setup).toFixed(2)} s, other ${
    sum((p) => p.other).toFixed(2)
  } s; inside the first three: host copies ${
    sum((p) => p.engineCopies).toFixed(2)
  } s, batch assembly ${sum((p) => p.batchAssembly).toFixed(2)} s`;
}

/** `bench --study` / `--profile`: one timed run per cell, printed as a table as each finishes. */
async function benchStudy(
  file: string | undefined,
  profile: string | undefined,
  dataDir: string | undefined,
): Promise<number> {
  const files = file !== undefined ? [file] : await reproductionFiles("experiments");
  const { specs } = await prepareStudy(files, profile, dataDir);
  const cells = cellsOf(specs);
  // The rate is measured on the tfjs backend's tensors for the initial weights.
  await initBackend(cells[0]?.backend ?? "wasm");
  const rate = measureEngineRate();
  console.log(
    `${cells.length} cells, one run each (the first seed), after one untimed run; limit: the ` +
      `operations over kept weights of every epoch trained, at ${
        (rate / 1e9).toFixed(1)
      } GFLOP/s (the engine's dense layout, measured now). Seconds per run; the profile columns ` +
      "say where they went (training and mask selection exclude evaluation; copies and " +
      "batches are inside them).",
  );
  const columns = [
    "seconds",
    "limit",
    "ratio",
    "setup",
    "mask",
    "train",
    "eval",
    "copies",
    "batches",
    "other",
  ];
  console.log(
    `${"experiment".padEnd(22)} ${"model".padEnd(26)} ${"method".padEnd(34)} ${
      "sparsity".padStart(8)
    } ${columns.map((name) => name.padStart(8)).join(" ")}`,
  );
  const print = (cell: CellBenchmark) => {
    const p = cell.profile;
    console.log(
      `${cell.experiment.padEnd(22)} ${cell.model.padEnd(26)} ${cell.method.padEnd(34)} ${
        String(cell.sparsity).padStart(8)
      } ${seconds(cell.seconds)} ${seconds(cell.limitSeconds)} ${
        cell.overLimit.toFixed(1).padStart(8)
      } ${seconds(p.setup + p.data + p.backend)} ${seconds(p.maskSelection)} ${
        seconds(p.training)
      } ${seconds(p.evaluation)} ${seconds(p.engineCopies)} ${seconds(p.batchAssembly)} ${
        seconds(p.other)
      }`,
    );
  };
  const results = await benchmarkCells(cells, rate, { dataDir, report: print });
  const total = results.reduce((sum, cell) => sum + cell.seconds, 0);
  const limit = results.reduce((sum, cell) => sum + cell.limitSeconds, 0);
  console.log(
    `total ${total.toFixed(2)} s for ${results.length} runs; their arithmetic ${
      limit.toFixed(2)
    } s (ratio ${(total / limit).toFixed(1)})`,
  );
  console.log(breakdownLine(results));
  return 0;
}
