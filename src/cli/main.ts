/**
 * The command-line entry point: `deno task <command>` runs
 * `src/cli/main.ts <command> ...`. Parses the command, runs it, and turns
 * errors into exit codes: 2 with one clear line for bad input (usage, an
 * invalid experiment file, a missing or corrupted dataset), 1 with the
 * message for a failure while running (the stack only with PRUNING_DEBUG=1).
 *
 * @module
 */
import { benchCommand } from "./bench.ts";
import { reportCommand } from "./report.ts";
import { reproduceCommand } from "./reproduce.ts";
import { runCommand } from "./run.ts";
import { verifyCommand } from "./verify.ts";
import { slurmCommand } from "./slurm.ts";
import { closestName } from "../config/did_you_mean.ts";
import { HelpShown, UsageError } from "./usage_error.ts";

/** A command: what runs it, and its line in the overall usage. */
interface Command {
  /** Runs the command on its arguments; returns the exit code. */
  run: (args: string[]) => Promise<number>;
  /** One line for the list of commands. */
  summary: string;
}

const COMMANDS: Record<string, Command> = {
  reproduce: {
    run: reproduceCommand,
    summary: "run the paper's experiments and the baselines under a profile, write the report",
  },
  run: { run: runCommand, summary: "run your own experiment files, write their report" },
  report: { run: reportCommand, summary: "rewrite the report from stored runs, computing nothing" },
  bench: { run: benchCommand, summary: "time one training epoch per model" },
  verify: {
    run: verifyCommand,
    summary: "recompute a sample of stored runs and compare them bit for bit",
  },
  slurm: {
    run: slurmCommand,
    summary: "write and submit Slurm job scripts: the study as a job array, then its report",
  },
};

const USAGE = [
  "usage: deno task <command> [options]      (or: deno run -A src/cli/main.ts <command>)",
  "",
  "commands:",
  ...Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`),
  "",
  "deno task <command> --help (or -h) lists a command's options and their defaults.",
].join("\n");

/** Exit code an error calls for: its own `exitCode` when it has one, else 1. */
export function exitCodeOf(error: unknown): number {
  const code = (error as { exitCode?: unknown })?.exitCode;
  return typeof code === "number" ? code : 1;
}

/** Runs the command line `args`; returns the process exit code. */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === undefined || command === "--help" || command === "-h") {
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    }
    // `help run` is `run --help`.
    const [name, commandArgs] = command === "help" && rest.length > 0
      ? [rest[0], ["--help"]]
      : [command, rest];
    if (name === "help") {
      console.log(USAGE);
      return 0;
    }
    const handler = COMMANDS[name];
    if (!handler) {
      const suggestion = closestName(name, Object.keys(COMMANDS));
      throw new UsageError(
        `unknown command "${name}"` +
          (suggestion === undefined ? "" : `; did you mean "${suggestion}"?`) + `\n${USAGE}`,
      );
    }
    return await handler.run(commandArgs);
  } catch (error) {
    if (error instanceof HelpShown) return 0;
    const code = exitCodeOf(error);
    const message = error instanceof Error ? error.message : String(error);
    console.error(code === 2 ? `error: ${message}` : `failed: ${message}`);
    if (code !== 2 && Deno.env.get("PRUNING_DEBUG") === "1" && error instanceof Error) {
      console.error(error.stack);
    }
    return code;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
