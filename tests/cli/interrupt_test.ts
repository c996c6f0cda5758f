/**
 * Ctrl-C under `deno task`: the terminal sends SIGINT to the whole process
 * group and `deno task` forwards another copy to the command; the command
 * must still stop cleanly and print its summary and the resume hint.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { listDirectory, REPO_ROOT, SMOKE_FILE } from "../runner/fixtures.ts";
import { CHECKPOINT_MIN_EPOCHS } from "../../src/runner/sweep.ts";
import { denoCacheDir } from "./cli.ts";

/** Whether `setsid` (util-linux) can start a process in its own process group. */
function hasSetsid(): boolean {
  try {
    return new Deno.Command("setsid", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

const setsidMissing = Deno.build.os === "windows" || !hasSetsid();
if (setsidMissing) {
  console.log("interrupt_test: skipped, needs setsid to give deno task its own process group");
}

/**
 * Reads a stream to its end; `seen` resolves as soon as `marker` has appeared
 * (or at the end, so a test never hangs on it), `text` with everything read.
 */
function readUntil(
  stream: ReadableStream<Uint8Array>,
  marker: string,
): { seen: Promise<void>; text: Promise<string> } {
  let markSeen: () => void = () => {};
  const seen = new Promise<void>((resolve) => markSeen = resolve);
  const text = (async () => {
    const decoder = new TextDecoder();
    let all = "";
    for await (const chunk of stream) {
      all += decoder.decode(chunk, { stream: true });
      if (all.includes(marker)) markSeen();
    }
    markSeen();
    return all;
  })();
  return { seen, text };
}

Deno.test({
  name: "interrupt: Ctrl-C under deno task prints the summary and the resume hint, exit 130",
  ignore: setsidMissing,
  fn: async () => {
    const root = await Deno.makeTempDir();
    try {
      // 48 runs on one worker: long enough (seconds) to be stopped in the middle. Ten epochs
      // make each run checkpointed, so a stopped run finishes the epoch in progress first; small
      // batches make that epoch long enough for the copy sent below to arrive before the end.
      const document = JSON.parse(await Deno.readTextFile(SMOKE_FILE));
      delete document.$schema;
      const file = join(root, "longer.json");
      const training = { ...document.training, epochs: CHECKPOINT_MIN_EPOCHS, batchSize: 8 };
      await Deno.writeTextFile(
        file,
        JSON.stringify({ ...document, training, seeds: [1, 2, 3, 4, 5, 6] }),
      );
      const out = join(root, "out");
      // setsid makes `deno task` the leader of a new process group, as a shell does for a
      // foreground job, so a signal to the group reaches it and the command it started.
      const task = new Deno.Command("setsid", {
        args: [Deno.execPath(), "task", "run", file, "--out", out, "--workers", "1"],
        cwd: REPO_ROOT,
        env: { NO_COLOR: "1", DENO_DIR: denoCacheDir() },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const stdout = new Response(task.stdout).text();
      const stderr = readUntil(task.stderr, "stopping:");
      const deadline = Date.now() + 60_000;
      while (
        (await listDirectory(join(out, "runs"))).filter((name) => name.endsWith(".json"))
          .length === 0
      ) {
        if (Date.now() > deadline) {
          Deno.kill(-task.pid, "SIGKILL");
          await task.status;
          assert.fail("no run finished within 60 s");
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // The terminal's Ctrl-C reaches the whole group; once the command has taken it,
      // the copy deno task forwards arrives (sent here to deno task, which forwards it).
      Deno.kill(-task.pid, "SIGINT");
      await stderr.seen;
      try {
        Deno.kill(task.pid, "SIGINT");
      } catch (error) {
        // The command may already have stopped (it stops after the epoch in progress): then
        // deno task had forwarded its own copy of the group's signal, and it was taken as the
        // same Ctrl-C, or the summary below would be missing.
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
      const stopped = {
        code: (await task.status).code,
        stdout: await stdout,
        stderr: await stderr.text,
      };
      assert.equal(stopped.code, 130, stopped.stderr);
      assert.match(stopped.stdout, /^48 runs: \d+ computed, 0 already stored/m);
      assert.match(stopped.stdout, /interrupted: run the same command again/);
      assert.match(stopped.stderr, /stopping: finished runs are kept/);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
