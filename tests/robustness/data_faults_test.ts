/**
 * Guarantee 4: a damaged dataset file (truncated, a corrupted byte in the
 * gzip stream or in a raw file, a checksum mismatch, the wrong shape) stops
 * the CLI with exit code 2 and one message naming the file, and no result is
 * written. End to end through `run`, on copies of the system Fashion-MNIST
 * with one fault injected; skipped where that copy is absent.
 */
import assert from "node:assert/strict";
import { gunzipSync, gzipSync } from "node:zlib";
import { join } from "node:path";
import {
  exists,
  listDirectory,
  looksLikeStackTrace,
  runCli,
  syntheticExperiment,
  withTempDir,
  writeExperiment,
} from "./helpers.ts";

const SYSTEM_COPY = "/usr/share/datasets/fashion-mnist";
const FILES = [
  "train-images-idx3-ubyte",
  "train-labels-idx1-ubyte",
  "t10k-images-idx3-ubyte",
  "t10k-labels-idx1-ubyte",
];
const available = FILES.every((name) => {
  try {
    return Deno.statSync(join(SYSTEM_COPY, `${name}.gz`)).isFile;
  } catch {
    return false;
  }
});

/** A fault: the file it damages, how (it writes the damaged file into the data directory). */
interface Fault {
  description: string;
  /** Writes the damaged file into `dataDir`; returns its path (the message must name it). */
  inject(dataDir: string): Promise<string>;
  /** What the message must say besides the path. */
  says: RegExp;
}

const readGz = (name: string) => Deno.readFile(join(SYSTEM_COPY, `${name}.gz`));

const FAULTS: Fault[] = [
  {
    description: "a truncated .gz",
    async inject(dataDir) {
      const bytes = await readGz("train-labels-idx1-ubyte");
      const path = join(dataDir, "train-labels-idx1-ubyte.gz");
      await Deno.writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
      return path;
    },
    says: /gzip|truncated|unexpected end/i,
  },
  {
    description: "a corrupted byte inside the gzip stream",
    async inject(dataDir) {
      const bytes = (await readGz("train-labels-idx1-ubyte")).slice();
      bytes[Math.floor(bytes.length / 2)] ^= 0xff;
      const path = join(dataDir, "train-labels-idx1-ubyte.gz");
      await Deno.writeFile(path, bytes);
      return path;
    },
    says: /gzip|checksum|corrupt/i,
  },
  {
    description: "a corrupted byte in a raw (uncompressed) file",
    async inject(dataDir) {
      const raw = gunzipSync(await readGz("train-labels-idx1-ubyte"));
      // A label changed to another valid label: only the checksum can tell.
      const index = 8 + 1000;
      raw[index] = (raw[index] + 1) % 10;
      const path = join(dataDir, "train-labels-idx1-ubyte");
      await Deno.writeFile(path, raw);
      return path;
    },
    says: /checksum mismatch/,
  },
  {
    description: "a recompressed file whose decompressed bytes fail the checksum",
    async inject(dataDir) {
      const raw = gunzipSync(await readGz("train-images-idx3-ubyte"));
      raw[16 + 12345] ^= 0x01;
      const path = join(dataDir, "train-images-idx3-ubyte.gz");
      await Deno.writeFile(path, gzipSync(raw, { level: 1 }));
      return path;
    },
    says: /checksum mismatch/,
  },
  {
    description: "a file of the wrong shape (the test labels in place of the training labels)",
    async inject(dataDir) {
      const path = join(dataDir, "train-labels-idx1-ubyte.gz");
      await Deno.writeFile(path, await readGz("t10k-labels-idx1-ubyte"));
      return path;
    },
    says: /60000|10000|count|expected/i,
  },
];

Deno.test({
  name: "data faults: each damaged dataset file gives exit 2, a message naming it, no result",
  ignore: !available,
  async fn(context) {
    await withTempDir(async (directory) => {
      const experiment = syntheticExperiment("faulty-data", { dataset: "fashion-mnist" });
      const file = await writeExperiment(directory, "faulty.json", experiment);
      for (const [index, fault] of FAULTS.entries()) {
        await context.step(fault.description, async () => {
          const dataDir = join(directory, `data-${index}`);
          await Deno.mkdir(dataDir);
          const damaged = await fault.inject(dataDir);
          const damagedRole = damaged.split("/").at(-1)!.replace(/\.gz$/, "");
          for (const name of FILES) {
            if (name !== damagedRole) {
              await Deno.symlink(join(SYSTEM_COPY, `${name}.gz`), join(dataDir, `${name}.gz`));
            }
          }
          const outDir = join(directory, `out-${index}`);
          // Half the cases name the directory by flag, half by environment variable.
          const viaFlag = index % 2 === 0;
          const outcome = await runCli(
            ["run", file, "--out", outDir, ...(viaFlag ? ["--data-dir", dataDir] : [])],
            viaFlag ? {} : { PRUNING_DATA_DIR: dataDir },
          );
          assert.equal(outcome.code, 2, `exit ${outcome.code}; stderr: ${outcome.stderr}`);
          const message = outcome.stderr.trim();
          assert.ok(message.includes(damaged), `message does not name ${damaged}: ${message}`);
          assert.match(message, fault.says);
          assert.equal(message.split("\n").length, 1, `not one line: ${message}`);
          assert.ok(!looksLikeStackTrace(outcome.stderr), outcome.stderr);
          // Never a result: nothing was written for the run.
          const stored = (await listDirectory(join(outDir, "runs"))).filter((name) =>
            name.endsWith(".json")
          );
          assert.deepEqual(stored, []);
          assert.equal(await exists(join(outDir, "tables")), false);
        });
      }
    });
  },
});
