/**
 * The study on a real Slurm cluster: a throwaway single-node cluster
 * (throwaway_cluster.ts) runs the smoke study as a 3-task job array plus its
 * report job (`deno task slurm --wait`), and the tables and REPORT.md are
 * byte-identical to a local `deno task run`. Skipped, saying how to enable
 * it, where Slurm or root is missing.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readTree, runCli } from "../cli/cli.ts";
import { listDirectory } from "../runner/fixtures.ts";
import { clusterUnavailable, startCluster } from "./throwaway_cluster.ts";

const unavailable = await clusterUnavailable();
if (unavailable !== undefined) {
  console.log(
    `slurm cluster: skipped: ${unavailable}; to run it, install Debian's slurmctld, slurmd, ` +
      "slurm-client and munge (apt-get install slurmctld slurmd slurm-client munge, as .ci/run " +
      "does) and run the tests as root",
  );
}

/** The smoke study, named as a user at the repository root names it. */
const SMOKE = "experiments/smoke.json";

/** REPORT.md and the tables of an output directory, by path. */
async function reportFiles(outDir: string): Promise<Map<string, Uint8Array>> {
  return new Map(
    [...await readTree(outDir)].filter(([path]) =>
      path === "REPORT.md" || path.startsWith("tables/")
    ),
  );
}

Deno.test({
  name: "slurm cluster: the smoke study as a 3-task array and a report job equals a local run",
  ignore: unavailable !== undefined,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "slurm-study-" });
    const cluster = await startCluster();
    try {
      const local = join(root, "local");
      const reference = await runCli(["run", SMOKE, "--out", local, "--quiet"]);
      assert.equal(reference.code, 0, reference.stderr);

      const outDir = join(root, "cluster");
      const submitted = await runCli(
        ["slurm", SMOKE, "--out", outDir, "--tasks", "3", "--cpus-per-task", "1", "--wait"],
        { env: cluster.env },
      );
      const logs = join(outDir, "slurm");
      const taskLogs = (await listDirectory(logs)).filter((name) =>
        /^smoke-\d+_\d\.out$/.test(name)
      );
      const logText = await Promise.all(
        taskLogs.map((name) => Deno.readTextFile(join(logs, name))),
      );
      assert.equal(submitted.code, 0, submitted.stdout + submitted.stderr + logText.join("\n"));
      assert.match(submitted.stdout, /^report job \d+ ended with exit code 0$/m);
      // Each task computed its own shard, and only it.
      assert.equal(taskLogs.length, 3, taskLogs.join(", "));
      const computed = logText.map((text) => {
        const match = /^shard (\d)\/3: (\d+) runs: (\d+) computed, 0 already stored/m.exec(text);
        assert.ok(match !== null, text);
        assert.equal(match[2], match[3]);
        return Number(match[3]);
      });
      assert.equal(computed.reduce((sum, count) => sum + count, 0), 16);
      const expected = await reportFiles(local);
      assert.ok(expected.has("REPORT.md") && expected.size > 1);
      assert.deepEqual(await reportFiles(outDir), expected);
    } finally {
      await cluster.stop();
      await Deno.remove(root, { recursive: true });
    }
  },
});
