/**
 * `--help` on every command, "did you mean" for mistyped flags, and the
 * README documenting every flag the commands accept.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { closestOption, formatHelp, parseCommandLine } from "../../src/cli/options.ts";
import { HelpShown, UsageError } from "../../src/cli/usage_error.ts";
import { REPO_ROOT, SMOKE_FILE } from "../runner/fixtures.ts";
import { runCli } from "./cli.ts";

/** The flags each command must list in its help (besides --help), written out by hand. */
const EXPECTED_FLAGS: Record<string, string[]> = {
  reproduce: [
    "profile",
    "out",
    "workers",
    "force",
    "quiet",
    "data-dir",
    "set",
    "dry-run",
    "claims",
    "shard",
    "experiments",
  ],
  run: [
    "profile",
    "out",
    "workers",
    "force",
    "quiet",
    "data-dir",
    "set",
    "dry-run",
    "claims",
    "shard",
  ],
  report: ["profile", "out", "set", "claims", "require-complete"],
  bench: ["backend", "model", "density", "limit", "pytorch", "study", "profile", "data-dir"],
  verify: ["profile", "out", "sample", "seed", "run", "set", "data-dir"],
  slurm: [
    "profile",
    "out",
    "tasks",
    "cpus-per-task",
    "partition",
    "time",
    "mem",
    "account",
    "dry-run",
    "wait",
    "data-dir",
  ],
};

/**
 * Arguments that make `command` fail or finish fast should `--help` ever be
 * ignored (a plain `reproduce` would compute the whole quick study), writing
 * only under `out`.
 */
function cheapArguments(command: string, out: string): string[] {
  const rest: Record<string, string[]> = {
    reproduce: ["--experiments", join(out, "none"), "--out", out],
    run: [SMOKE_FILE, "--out", out],
    report: ["--out", out],
    bench: ["--model", "none"],
    verify: ["--out", out, "--sample", "none"],
    slurm: ["--out", out, "--tasks", "none"],
  };
  return rest[command];
}

/** The long flags a help text lists, in order. */
function listedFlags(help: string): string[] {
  return [...help.matchAll(/^ {2}(?:-\w, | {4})--([\w-]+)/gm)].map((match) => match[1]);
}

Deno.test("help: --help and -h on every command list its options, exit 0, and run nothing", async () => {
  const out = await Deno.makeTempDir();
  await Deno.remove(out);
  for (const [command, flags] of Object.entries(EXPECTED_FLAGS)) {
    for (const flag of ["--help", "-h"]) {
      const args = [command, ...cheapArguments(command, out), flag];
      const outcome = await runCli(args);
      assert.equal(outcome.code, 0, `${args.join(" ")}: ${outcome.stderr}`);
      assert.equal(outcome.stderr, "", args.join(" "));
      assert.match(outcome.stdout, new RegExp(`^usage: deno task ${command}\\b`));
      assert.deepEqual(listedFlags(outcome.stdout), [...flags, "help"], args.join(" "));
      for (const line of outcome.stdout.split("\n")) {
        assert.ok(line.length <= 80, `${args.join(" ")}: a line of ${line.length}: ${line}`);
      }
    }
  }
  assert.equal(await Deno.stat(out).then(() => true, () => false), false);
  // The defaults are printed with the options they belong to.
  const reproduce = await runCli(["reproduce", ...cheapArguments("reproduce", out), "--help"]);
  assert.match(reproduce.stdout, /--profile NAME[^\n]*\n?[^-]*default: quick\)/);
  assert.match(reproduce.stdout, /--out DIR[\s\S]*?default: results\/<profile>\)/);
  const run = await runCli(["help", "run", ...cheapArguments("run", out)]);
  assert.equal(run.code, 0);
  assert.match(run.stdout, /--out DIR[\s\S]*?\(default: out\)/);
});

Deno.test("help: a mistyped flag or command gets a did-you-mean, exit 2, nothing written", async () => {
  const root = await Deno.makeTempDir();
  try {
    const out = join(root, "out");
    const cases: { args: string[]; expected: RegExp }[] = [
      {
        args: ["run", SMOKE_FILE, "--out", out, "--quite"],
        expected: /^error: run: unknown option --quite; did you mean --quiet\?/,
      },
      {
        args: ["reproduce", "--out", out, "--worker", "2"],
        expected: /unknown option --worker; did you mean --workers\?/,
      },
      {
        args: ["run", SMOKE_FILE, "--out", out, "-z"],
        expected: /^error: run: unknown option -z \(deno task run --help/,
      },
      { args: ["reprodcue"], expected: /unknown command "reprodcue"; did you mean "reproduce"\?/ },
    ];
    for (const { args, expected } of cases) {
      const outcome = await runCli(args);
      assert.equal(outcome.code, 2, `${args.join(" ")}: ${outcome.stderr}`);
      assert.match(outcome.stderr, expected, args.join(" "));
      assert.equal(await Deno.stat(out).then(() => true, () => false), false);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("help: the README documents every flag of every command", async () => {
  const readme = await Deno.readTextFile(join(REPO_ROOT, "README.md"));
  const root = await Deno.makeTempDir();
  const out = join(root, "out");
  for (const command of Object.keys(EXPECTED_FLAGS)) {
    const { stdout } = await runCli([command, ...cheapArguments(command, out), "--help"]);
    for (const flag of listedFlags(stdout)) {
      assert.ok(readme.includes(`--${flag}`), `README.md does not mention ${command} --${flag}`);
    }
  }
  await Deno.remove(root, { recursive: true });
});

Deno.test("options: closestOption suggests near misses and unique prefixes only", () => {
  const names = ["profile", "out", "workers", "force", "quiet", "data-dir", "dry-run"];
  assert.equal(closestOption("quite", names), "quiet");
  assert.equal(closestOption("dryrun", names), "dry-run");
  assert.equal(closestOption("wor", names), "workers");
  assert.equal(closestOption("datadir", names), "data-dir");
  assert.equal(closestOption("bogus", names), undefined);
  // "o" is the start of "out" but too short to mean anything.
  assert.equal(closestOption("o", ["output", "open"]), undefined);
  // Two options start with "fo": no guess.
  assert.equal(closestOption("fo", ["format", "forward"]), undefined);
});

Deno.test("options: parseCommandLine parses values and throws HelpShown or UsageError", () => {
  const options = {
    out: { type: "string" as const, description: "where" },
    quiet: { type: "boolean" as const, short: "q" },
  };
  const parsed = parseCommandLine("demo", ["a.json", "--out=--x", "-q"], options, true);
  // A value written with "=" is taken as written even when it looks like a flag.
  assert.deepEqual({ ...parsed.values }, { out: "--x", quiet: true });
  assert.deepEqual(parsed.positionals, ["a.json"]);
  // Anything after "--" is a positional, never a flag.
  assert.deepEqual(
    parseCommandLine("demo", ["--", "--bogus"], options, true).positionals,
    ["--bogus"],
  );
  assert.throws(() => parseCommandLine("demo", ["--bogus"], options, true), UsageError);
  const log = console.log;
  const printed: string[] = [];
  console.log = (text: string) => printed.push(text);
  try {
    assert.throws(() => parseCommandLine("demo", ["--bogus=1", "-h"], options, true), UsageError);
    assert.throws(() => parseCommandLine("demo", ["-h"], options, true), HelpShown);
  } finally {
    console.log = log;
  }
  assert.equal(printed.length, 1);
  assert.equal(printed[0], formatHelp("demo", options));
});

Deno.test("options: formatHelp wraps long descriptions under their column", () => {
  const help = formatHelp("demo", {
    "data-dir": {
      type: "string",
      valueName: "DIR",
      description: "look here first for every dataset the runs need, before the user cache",
      defaultValue: "none",
    },
  }, { usage: "demo [options]", summary: "Demonstrates." });
  assert.equal(
    help,
    [
      "usage: deno task demo [options]",
      "",
      "Demonstrates.",
      "",
      "options:",
      // 59 characters would make the first line 81 long: "the" moves down.
      "      --data-dir DIR  look here first for every dataset the runs need, before",
      "                      the user cache (default: none)",
      "  -h, --help          print this help and exit",
    ].join("\n"),
  );
});
