/**
 * Command-line parsing shared by the commands (node:util parseArgs standing
 * in for the design card's `@std/cli`): unknown flags and bad values are
 * usage errors.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "./usage_error.ts";

/** Option declarations as node:util parseArgs takes them. */
export type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

/** Parses `args`, turning parser errors into usage errors that name the command. */
export function parseCommandLine(
  command: string,
  args: string[],
  options: OptionSpec,
  allowPositionals: boolean,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args, options, allowPositionals, strict: true });
    return {
      values: parsed.values as Record<string, string | boolean | undefined>,
      positionals: parsed.positionals,
    };
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
}

/** A positive integer option, or `undefined` when absent. */
export function positiveInteger(
  command: string,
  name: string,
  value: string | boolean | undefined,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (typeof value !== "string" || !Number.isInteger(number) || number < 1) {
    throw new UsageError(`${command}: --${name} must be a positive integer, got "${value}"`);
  }
  return number;
}

/** A string option, or `undefined` when absent. */
export function stringOption(value: string | boolean | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}
