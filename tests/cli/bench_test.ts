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
  name: "cli: bench prints one JSON line with the documented measurements",
  // The benchmark trains on the full Fashion-MNIST training split; without it there is nothing to time.
  ignore: !directoryExists(FASHION_MNIST_SYSTEM_COPY),
  async fn() {
    const outcome = await runCli(["bench", "--model", "mlp", "--limit", "512"], {
      env: { PRUNING_DATA_DIR: FASHION_MNIST_SYSTEM_COPY },
    });
    assert.equal(outcome.code, 0, outcome.stderr);
    const lines = outcome.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 1, outcome.stdout);
    const measurement = JSON.parse(lines[0]);
    for (const key of ["secondsPerEpoch", "samplesPerSecond", "backend", "peakMemoryMiB"]) {
      assert.ok(key in measurement, `missing ${key} in ${lines[0]}`);
    }
    assert.equal(measurement.model, "mlp 784-300-100-10");
    assert.equal(measurement.dataset, "fashion-mnist");
    assert.equal(measurement.samples, 512);
    assert.equal(measurement.batchSize, 64);
    assert.equal(measurement.backend, "wasm");
    // Only that the numbers are measurements, not how fast they are.
    assert.ok(measurement.secondsPerEpoch > 0);
    assert.ok(measurement.samplesPerSecond > 0);
    assert.ok(Number.isInteger(measurement.peakMemoryMiB) && measurement.peakMemoryMiB > 0);
    assert.ok(Number.isFinite(measurement.meanLoss) && measurement.meanLoss > 0);
  },
});
