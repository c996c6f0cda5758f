/**
 * Ctrl-C under `deno task`: the terminal sends SIGINT to the whole process
 * group and `deno task` forwards another copy to the command; the command
 * must still stop cleanly and print its summary and the resume hint.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { listDirectory, REPO_ROOT, SMOKE_FILE } from "../runner/fixtures.ts";
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
      // 48 runs on one worker: long enough (seconds) to be stopped in the middle. Each run
      // trains 30 epochs (about half a second), so that the forwarded copy of the signal below
      // reaches the command while its last run is still computing, even on a loaded machine.
      const document = JSON.parse(await Deno.readTextFile(SMOKE_FILE));
      delete document.$schema;
      const file = join(root, "longer.json");
      await Deno.writeTextFile(
        file,
        JSON.stringify({
          ...document,
          training: { ...document.training, epochs: 30 },
          seeds: [1, 2, 3, 4, 5, 6],
        }),
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
      Deno.kill(task.pid, "SIGINT");
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
