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
import { UsageError } from "./usage_error.ts";

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  reproduce: reproduceCommand,
  run: runCommand,
  report: reportCommand,
  bench: benchCommand,
  verify: verifyCommand,
};

const USAGE = `usage: deno task <command> [options]
  reproduce [--profile quick|paper] [--out DIR] [--workers N] [--force] [--data-dir DIR] [--shard I/N]
  run FILE... [--profile NAME] [--out DIR] [--workers N] [--force] [--data-dir DIR] [--shard I/N]
  report [FILE...] [--profile NAME] [--out DIR]
  bench [--backend wasm|cpu] [--model mlp|autoencoder|all] [--density D] [--limit N]
        [--data-dir DIR]
  verify [FILE...] [--profile NAME] [--out DIR] [--sample N] [--seed S] [--data-dir DIR]`;

/** Exit code an error calls for: its own `exitCode` when it has one, else 1. */
export function exitCodeOf(error: unknown): number {
  const code = (error as { exitCode?: unknown })?.exitCode;
  return typeof code === "number" ? code : 1;
}

/** Runs the command line `args`; returns the process exit code. */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === undefined || command === "help" || command === "--help") {
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    }
    const handler = COMMANDS[command];
    if (!handler) throw new UsageError(`unknown command "${command}"\n${USAGE}`);
    return await handler(rest);
  } catch (error) {
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
