/**
 * `deno task slurm` without a cluster: the plan and scripts of a dry run,
 * bad flags, the submission (`sbatch --parsable`, the report after the array
 * with `afterany`, SLURM_CONF passed on), `--wait` returning the report
 * job's status (with a fake sbatch that runs the scripts at once), and the
 * requeue trap of the array script. The real cluster is in
 * slurm_cluster_test.ts.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runId } from "../../src/config/run_id.ts";
import { planShards } from "../../src/runner/shard.ts";
import { arrayScript, shellQuote, type SlurmJobSettings } from "../../src/runner/slurm.ts";
import { readTree, runCli } from "../cli/cli.ts";
import { listDirectory, REPO_ROOT, SMOKE_FILE, specsOf } from "../runner/fixtures.ts";
import { fakeSlurm, loggedCalls } from "./fake_slurm.ts";

async function withTempDir(body: (directory: string) => Promise<void>): Promise<void> {
  const directory = await Deno.makeTempDir({ prefix: "slurm-" });
  try {
    await body(directory);
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
}

/** The tables of an output directory, by path. */
async function tables(outDir: string): Promise<Map<string, Uint8Array>> {
  return new Map([...await readTree(outDir)].filter(([path]) => path.startsWith("tables/")));
}

Deno.test("slurm: a dry run prints the plan per shard and both scripts, and writes nothing", async () => {
  await withTempDir(async (directory) => {
    const outDir = join(directory, "out");
    const outcome = await runCli([
      "slurm",
      SMOKE_FILE,
      "--out",
      outDir,
      "--tasks",
      "3",
      "--cpus-per-task",
      "2",
      "--time",
      "02:00:00",
      "--dry-run",
    ]);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.match(outcome.stdout, /^16 runs in 3 tasks; estimated [\d.]+ core-hours .*in all:$/m);
    const smoke = JSON.parse(await Deno.readTextFile(SMOKE_FILE));
    const plan = planShards(specsOf(smoke), 3);
    for (const [index, shard] of plan.shards.entries()) {
      assert.match(
        outcome.stdout,
        new RegExp(`^  shard ${index + 1}/3: ${shard.length} runs, [\\d.]+ core-hours`, "m"),
      );
    }
    assert.ok(outcome.stdout.includes(`# ${join(outDir, "slurm", "smoke.sbatch")}\n#!/bin/bash\n`));
    assert.ok(outcome.stdout.includes(`# ${join(outDir, "slurm", "smoke-report.sbatch")}\n`));
    assert.match(outcome.stdout, /^#SBATCH --array=1-3$/m);
    // A file inside the repository is named relative to it (the tasks run there), like a local run.
    assert.match(outcome.stdout, /src\/cli\/main\.ts run experiments\/smoke\.json --out /);
    assert.match(outcome.stdout, /^#SBATCH --cpus-per-task=2$/m);
    assert.equal(outcome.stdout.match(/^#SBATCH --time=02:00:00$/gm)?.length, 2);
    // Not given, so left to the user's defaults.
    assert.doesNotMatch(outcome.stdout, /--partition|--account|--mem/);
    assert.match(outcome.stdout, /nothing written, nothing submitted/);
    assert.deepEqual(await listDirectory(directory), []);
  });
});

Deno.test("slurm: bad flags are usage errors naming the flag, with nothing written", async () => {
  await withTempDir(async (directory) => {
    const outDir = join(directory, "out");
    const cases: [string[], RegExp][] = [
      [["--tasks", "0"], /--tasks must be a positive integer/],
      [["--cpus-per-task", "x"], /--cpus-per-task must be a positive integer/],
      [["--time", "2h"], /--time must be a time limit HH:MM:SS/],
      [["--time", "1:99:00"], /--time must be/],
      [["--mem", "lots"], /--mem must be a size/],
      [["--partition", "a b"], /--partition must be a partition name/],
      [["--account", "x;rm"], /--account must be an account name/],
    ];
    for (const [flags, message] of cases) {
      const outcome = await runCli(["slurm", SMOKE_FILE, "--out", outDir, ...flags]);
      assert.equal(outcome.code, 2, flags.join(" "));
      assert.match(outcome.stderr, /^error: slurm: /);
      assert.match(outcome.stderr, message);
    }
    const noFiles = await runCli(["slurm", "--out", outDir]);
    assert.equal(noFiles.code, 2);
    assert.match(noFiles.stderr, /name at least one experiment file/);
    assert.deepEqual(await listDirectory(directory), []);
  });
});

Deno.test("slurm: submits the array, then the report after it (afterany), with SLURM_CONF passed on", async () => {
  await withTempDir(async (directory) => {
    const slurm = await fakeSlurm(join(directory, "fake"));
    const outDir = join(directory, "out");
    const outcome = await runCli(
      ["slurm", SMOKE_FILE, "--out", outDir, "--tasks", "2", "--partition", "short"],
      { env: { ...slurm.env, SLURM_CONF: "/etc/test/slurm.conf" } },
    );
    assert.equal(outcome.code, 0, outcome.stderr);
    const arrayPath = join(outDir, "slurm", "smoke.sbatch");
    const reportPath = join(outDir, "slurm", "smoke-report.sbatch");
    assert.deepEqual(await loggedCalls(slurm), [
      `sbatch --parsable ${arrayPath} SLURM_CONF=/etc/test/slurm.conf`,
      `sbatch --parsable --dependency=afterany:101 ${reportPath} SLURM_CONF=/etc/test/slurm.conf`,
    ]);
    assert.match(outcome.stdout, /^submitted job array 101 \(2 tasks\): /m);
    assert.match(outcome.stdout, /^submitted report job 102 \(after every task of 101\): /m);
    assert.match(outcome.stdout, /^follow: squeue -j 101,102; /m);
    const array = await Deno.readTextFile(arrayPath);
    assert.match(array, /^#SBATCH --partition=short$/m);
    assert.match(array, /--shard "\$\{SLURM_ARRAY_TASK_ID\}\/2"/);
    const report = await Deno.readTextFile(reportPath);
    assert.match(report, /main\.ts report .* --require-complete$/m);
    // Nothing ran (the fake did not run the scripts): no store, no report.
    assert.deepEqual(await listDirectory(outDir), ["slurm"]);
  });
});

Deno.test("slurm --wait: exit 0 with the tables of a local run; exit 1 when a task's runs are missing", async () => {
  await withTempDir(async (directory) => {
    const reference = join(directory, "reference");
    const local = await runCli(["run", SMOKE_FILE, "--out", reference, "--quiet"]);
    assert.equal(local.code, 0, local.stderr);

    const slurm = await fakeSlurm(join(directory, "fake"));
    const outDir = join(directory, "out");
    const env = { ...slurm.env, FAKE_SLURM_RUN: "1" };
    const done = await runCli(["slurm", SMOKE_FILE, "--out", outDir, "--tasks", "3", "--wait"], {
      env,
    });
    assert.equal(done.code, 0, done.stdout + done.stderr);
    assert.match(done.stdout, /^report job 102 ended with exit code 0$/m);
    assert.deepEqual(await tables(outDir), await tables(reference));

    // A task that never ran: the report job fails, so does --wait, and no report is written.
    const slurmAgain = await fakeSlurm(join(directory, "fake-again"));
    const partial = join(directory, "partial");
    const failed = await runCli(
      ["slurm", SMOKE_FILE, "--out", partial, "--tasks", "3", "--wait"],
      { env: { ...slurmAgain.env, FAKE_SLURM_RUN: "1", FAKE_SLURM_SKIP_TASK: "2" } },
    );
    assert.equal(failed.code, 1, failed.stdout + failed.stderr);
    assert.match(failed.stdout, /^report job 102 ended with exit code 1$/m);
    const reportLog = await Deno.readTextFile(join(directory, "fake-again", "report.out"));
    assert.match(reportLog, /runs are not stored in /);
    assert.deepEqual((await listDirectory(partial)).sort(), ["runs", "slurm"]);
    const smoke = JSON.parse(await Deno.readTextFile(SMOKE_FILE));
    const missing = planShards(specsOf(smoke), 3).shards[1].map((spec) => `${runId(spec)}.json`);
    const stored = await listDirectory(join(partial, "runs"));
    assert.equal(stored.length, 16 - missing.length);
    for (const name of missing) assert.ok(!stored.includes(name), name);
  });
});

Deno.test("slurm: without sbatch on the PATH it says how to proceed (exit 2)", async () => {
  await withTempDir(async (directory) => {
    const outcome = await runCli(["slurm", SMOKE_FILE, "--out", join(directory, "out")], {
      env: { PATH: directory },
    });
    assert.equal(outcome.code, 2, outcome.stderr);
    assert.match(outcome.stderr, /sbatch is not on the PATH: .*--dry-run/);
  });
});

Deno.test("slurm array script: on USR1 the sweep is stopped with SIGTERM and the task requeued", async () => {
  await withTempDir(async (directory) => {
    const slurm = await fakeSlurm(join(directory, "fake"));
    // A stand-in for Deno: records its arguments, then waits to be stopped (SIGTERM).
    const fakeDeno = join(directory, "deno");
    await Deno.writeTextFile(
      fakeDeno,
      `#!/bin/bash
echo "$@" > "${directory}/arguments"
trap 'echo stopped > "${directory}/stopped"; exit 130' TERM
touch "${directory}/started"
# Gives up after about 10 s, so that a script that never stops it fails the test instead of hanging.
for _ in $(seq 200); do sleep 0.05; done
`,
      { mode: 0o755 },
    );
    const settings: SlurmJobSettings = {
      name: "quoted name",
      repository: REPO_ROOT,
      deno: "/nonexistent/deno",
      files: [join(directory, "it's here.json")],
      profile: "quick",
      outDir: join(directory, "out dir"),
      tasks: 3,
    };
    const script = join(directory, "array.sbatch");
    await Deno.writeTextFile(script, arrayScript(settings));
    const task = new Deno.Command("bash", {
      args: [script],
      env: { ...slurm.env, DENO: fakeDeno, SLURM_ARRAY_JOB_ID: "77", SLURM_ARRAY_TASK_ID: "2" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (await Deno.stat(join(directory, "started")).then(() => true, () => false)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    task.kill("SIGUSR1");
    const { code } = await task.output();
    assert.equal(code, 0);
    assert.equal((await Deno.readTextFile(join(directory, "stopped"))).trim(), "stopped");
    assert.deepEqual(await loggedCalls(slurm), ["scontrol requeue 77_2"]);
    assert.equal(
      (await Deno.readTextFile(join(directory, "arguments"))).trim(),
      `run --allow-all src/cli/main.ts run ${join(directory, "it's here.json")} --profile quick ` +
        `--out ${join(directory, "out dir")} --shard 2/3 --workers 1`,
    );
  });
});

Deno.test("slurm scripts: words are quoted for the shell", () => {
  assert.equal(shellQuote("/plain/path-1.json"), "/plain/path-1.json");
  assert.equal(shellQuote("with space"), "'with space'");
  assert.equal(shellQuote("it's"), "'it'\\''s'");
  assert.equal(shellQuote("$HOME;rm -rf"), "'$HOME;rm -rf'");
  assert.equal(shellQuote(""), "''");
});
