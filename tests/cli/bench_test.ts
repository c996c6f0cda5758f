import assert from "node:assert/strict";
import { runCli } from "./cli.ts";

const FASHION_MNIST_SYSTEM_COPY = "/usr/share/datasets/fashion-mnist";

function directoryExists(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

Deno.test({
  name: "cli: bench --density prints one JSON line with the documented measurements",
  // The benchmark trains on the full Fashion-MNIST training split; without it there is nothing to time.
  ignore: !directoryExists(FASHION_MNIST_SYSTEM_COPY),
  async fn() {
    const outcome = await runCli(
      ["bench", "--model", "mlp", "--density", "0.02", "--limit", "512"],
      {
        env: { PRUNING_DATA_DIR: FASHION_MNIST_SYSTEM_COPY },
      },
    );
    assert.equal(outcome.code, 0, outcome.stderr);
    const lines = outcome.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 1, outcome.stdout);
    const measurement = JSON.parse(lines[0]);
    for (
      const key of [
        "secondsPerEpoch",
        "samplesPerSecond",
        "gflopsPerSecond",
        "rowsSecondsPerEpoch",
        "denseLayoutSecondsPerEpoch",
        "tfjsSecondsPerEpoch",
        "best",
        "autoOverBest",
        "backend",
        "peakMemoryMiB",
      ]
    ) {
      assert.ok(key in measurement, `missing ${key} in ${lines[0]}`);
    }
    assert.equal(measurement.model, "mlp 784-300-100-10");
    assert.equal(measurement.dataset, "fashion-mnist");
    assert.equal(measurement.samples, 512);
    assert.equal(measurement.batchSize, 64);
    assert.equal(measurement.backend, "wasm");
    assert.equal(measurement.density, 0.02);
    // At 2% of the weights kept auto trains on the sparse engine, every layer in compressed rows.
    assert.equal(measurement.engine, "sparse");
    assert.deepEqual(measurement.layers, ["rows", "rows", "rows"]);
    assert.ok(["rows", "dense-layout", "tfjs"].includes(measurement.best));
    const fastest = Math.min(
      measurement.rowsSecondsPerEpoch,
      measurement.denseLayoutSecondsPerEpoch,
      measurement.tfjsSecondsPerEpoch,
    );
    // (From unrounded seconds; these are rounded to the millisecond, a few percent of a tiny epoch.)
    const ratio = measurement.secondsPerEpoch / fastest;
    assert.ok(Math.abs(measurement.autoOverBest - ratio) <= 0.1 * ratio + 0.01, lines[0]);
    // Same weights, masks and batches on both engines: the losses differ only by rounding.
    assert.ok(Math.abs(measurement.meanLoss - measurement.tfjsMeanLoss) < 1e-3, lines[0]);
    // Only that the numbers are measurements, not how fast they are.
    assert.ok(measurement.secondsPerEpoch > 0);
    assert.ok(measurement.samplesPerSecond > 0);
    assert.ok(Number.isInteger(measurement.peakMemoryMiB) && measurement.peakMemoryMiB > 0);
    assert.ok(Number.isFinite(measurement.meanLoss) && measurement.meanLoss > 0);
  },
});

Deno.test("cli: bench rejects a density outside (0, 1] with exit code 2, naming the option", async () => {
  for (const density of ["0", "1.5", "abc"]) {
    const outcome = await runCli(["bench", "--density", density]);
    assert.equal(outcome.code, 2, outcome.stderr);
    assert.match(outcome.stderr, /--density/);
    assert.equal(outcome.stdout, "");
  }
});

Deno.test("cli: bench --study prints one line per method and sparsity with its seconds, limit and profile, and a total", async () => {
  const outcome = await runCli(["bench", "--study", "experiments/smoke.json"]);
  assert.equal(outcome.code, 0, outcome.stderr);
  const lines = outcome.stdout.trimEnd().split("\n");
  assert.match(lines[0], /^8 cells, one run each .* at \d+\.\d GFLOP\/s/);
  assert.match(lines[1], /^experiment +model +method +sparsity +seconds +limit +ratio/);
  const rows = lines.slice(2, -2);
  assert.equal(rows.length, 8, outcome.stdout);
  const sparsities: number[] = [];
  for (const line of rows) {
    const numbers = line.trim().split(/\s+/).slice(-11).map(Number);
    assert.ok(numbers.every(Number.isFinite), line);
    const [sparsity, seconds, limit, ratio] = numbers;
    sparsities.push(sparsity);
    assert.ok(seconds > 0 && limit > 0, line);
    // The ratio is the two columns' (each rounded to the millisecond, so only where that is fine).
    if (limit >= 0.01) assert.ok(Math.abs(ratio - seconds / limit) <= 0.05 * ratio + 0.15, line);
  }
  // Smoke's 4 methods, each at 0.5 then 0.9.
  assert.deepEqual(sparsities, [0.5, 0.9, 0.5, 0.9, 0.5, 0.9, 0.5, 0.9]);
  assert.match(lines.at(-2)!, /^total \d+\.\d\d s for 8 runs; their arithmetic \d+\.\d\d s/);
  // The parts add up to the runs' time (each run's parts are laps of its clock).
  const parts =
    /^breakdown: mask selection ([\d.]+) s, training ([\d.]+) s \(arithmetic ([\d.]+) s of these ([\d.]+) s\), evaluation ([\d.]+) s, set-up ([\d.]+) s, other ([\d.]+) s; inside the first three: host copies ([\d.]+) s, batch assembly ([\d.]+) s$/
      .exec(lines.at(-1)!);
  assert.ok(parts, lines.at(-1));
  const [mask, training, arithmetic, trained, evaluation, setup, other] = parts.slice(1).map(
    Number,
  );
  assert.ok(Math.abs(mask + training - trained) <= 0.011, lines.at(-1));
  assert.equal(arithmetic.toFixed(2), /their arithmetic ([\d.]+) s/.exec(lines.at(-2)!)![1]);
  const total = Number(/^total ([\d.]+) s/.exec(lines.at(-2)!)![1]);
  const summed = mask + training + evaluation + setup + other;
  assert.ok(Math.abs(summed - total) <= 0.02 * total + 0.05, `${summed} against ${total}`);
});

Deno.test("cli: bench --study with a missing file is bad input (exit 2), naming the file", async () => {
  const outcome = await runCli(["bench", "--study", "no-such-experiment.json"]);
  assert.equal(outcome.code, 2);
  assert.match(outcome.stderr, /no-such-experiment\.json/);
  assert.equal(outcome.stdout, "");
});
