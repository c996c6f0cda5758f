/**
 * Command-line parsing shared by the commands (node:util parseArgs standing
 * in for the design card's `@std/cli`): `--help` / `-h` print the command's
 * options with their defaults, unknown flags are usage errors with a "did
 * you mean", and bad values are usage errors.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { editDistance } from "../config/did_you_mean.ts";
import { HelpShown, UsageError } from "./usage_error.ts";

/** One option of a command, as parseArgs takes it plus what `--help` prints. */
export interface OptionDeclaration {
  /** A string option takes a value; a boolean one is a switch. */
  type: "string" | "boolean";
  /** One-letter alias, e.g. `q` for `-q`. */
  short?: string;
  /** What the option does, one line for `--help`. */
  description?: string;
  /** The value's placeholder in `--help`, e.g. `DIR` (default `VALUE`). */
  valueName?: string;
  /** The default, as `--help` prints it (absent: no default worth saying). */
  defaultValue?: string;
  /** The option may be given more than once (its values arrive as a list). */
  multiple?: boolean;
}

/** Option declarations of a command, by long name. */
export type OptionSpec = Record<string, OptionDeclaration>;

/** What `--help` prints about a command besides its options. */
export interface CommandHelp {
  /** The synopsis after `deno task`, e.g. `run FILE... [options]`. */
  usage: string;
  /** What the command does, a sentence or two. */
  summary: string;
}

/** Parsed values: a string, a switch, or a list for options given `multiple`. */
export type OptionValue = string | boolean | string[] | undefined;

/** The options every command has. */
const HELP_OPTION: OptionSpec = {
  help: { type: "boolean", short: "h", description: "print this help and exit" },
};

/** Width the help text is wrapped to: a standard terminal's. */
const HELP_WIDTH = 80;

/**
 * The declared option closest to a mistyped one, when it is a plausible typo:
 * at most two edits away (a swapped pair of letters is two), or the start of
 * exactly one option's name.
 */
export function closestOption(typed: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of names) {
    const distance = editDistance(typed.toLowerCase(), name.toLowerCase());
    if (distance <= Math.max(2, Math.floor(name.length / 3)) && distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  if (best !== undefined) return best;
  const extensions = typed.length < 2 ? [] : names.filter((name) => name.startsWith(typed));
  return extensions.length === 1 ? extensions[0] : undefined;
}

/** Splits `text` into lines of at most `width` characters at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}

/** The help text of a command: usage, summary, and one line per option. */
export function formatHelp(command: string, options: OptionSpec, help?: CommandHelp): string {
  const all = { ...options, ...HELP_OPTION };
  const labels = Object.entries(all).map(([name, declaration]) => {
    const short = declaration.short ? `-${declaration.short}, ` : "    ";
    const value = declaration.type === "string" ? ` ${declaration.valueName ?? "VALUE"}` : "";
    return `${short}--${name}${value}`;
  });
  const width = Math.max(...labels.map((label) => label.length));
  const lines = Object.values(all).map((declaration, index) => {
    const notes = [
      declaration.multiple ? "repeatable" : undefined,
      declaration.defaultValue === undefined ? undefined : `default: ${declaration.defaultValue}`,
    ].filter((note) => note !== undefined);
    const description = (declaration.description ?? "") +
      (notes.length > 0 ? ` (${notes.join("; ")})` : "");
    // Descriptions wrap into their own column, or below the label when it is too wide.
    const column = Math.min(width + 4, 36);
    const wrapped = wrap(description, Math.max(HELP_WIDTH - column, 30));
    const label = `  ${labels[index]}`;
    const first = label.length + 2 <= column
      ? [`${label.padEnd(column)}${wrapped[0]}`.trimEnd()]
      : [label, `${" ".repeat(column)}${wrapped[0]}`];
    return [...first, ...wrapped.slice(1).map((line) => `${" ".repeat(column)}${line}`)]
      .join("\n");
  });
  return [
    `usage: deno task ${help?.usage ?? `${command} [options]`}`,
    ...(help ? ["", ...wrap(help.summary, HELP_WIDTH)] : []),
    "",
    "options:",
    ...lines,
  ].join("\n");
}

/**
 * Throws a usage error for the first flag `options` does not declare, with
 * the closest declared name as a hint. parseArgs would reject it too, but
 * with a message about positionals that misleads more than it helps.
 */
function rejectUnknownFlags(command: string, args: string[], options: OptionSpec): void {
  const names = Object.keys(options);
  const shorts = new Map(
    Object.entries(options).flatMap(([name, declaration]) =>
      declaration.short ? [[declaration.short, name] as const] : []
    ),
  );
  const hint = ` (deno task ${command} --help lists the options)`;
  for (let index = 0; index < args.length; index++) {
    const argument = args[index];
    if (argument === "--") return;
    if (argument.startsWith("--")) {
      const name = argument.slice(2).split("=")[0];
      const declaration = options[name];
      if (declaration === undefined) {
        const suggestion = closestOption(name, names);
        throw new UsageError(
          `${command}: unknown option --${name}` +
            (suggestion === undefined ? "" : `; did you mean --${suggestion}?`) + hint,
        );
      }
      // The next argument is this option's value, whatever it looks like.
      if (declaration.type === "string" && !argument.includes("=")) index++;
    } else if (argument.startsWith("-") && argument.length > 1) {
      const letter = argument[1];
      const name = shorts.get(letter);
      if (name === undefined) {
        throw new UsageError(`${command}: unknown option -${letter}${hint}`);
      }
      if (options[name].type === "string" && argument.length === 2) index++;
    }
  }
}

/**
 * Parses `args` for `command`. `--help` or `-h` prints {@link formatHelp}
 * and throws {@link HelpShown} (exit code 0); unknown flags and parser
 * errors throw usage errors that name the command.
 */
export function parseCommandLine(
  command: string,
  args: string[],
  options: OptionSpec,
  allowPositionals: boolean,
  help?: CommandHelp,
): { values: Record<string, OptionValue>; positionals: string[] } {
  const all = { ...options, ...HELP_OPTION };
  rejectUnknownFlags(command, args, all);
  const parserOptions = Object.fromEntries(
    Object.entries(all).map(([name, declaration]) => [name, {
      type: declaration.type,
      ...(declaration.short ? { short: declaration.short } : {}),
      ...(declaration.multiple ? { multiple: true } : {}),
    }]),
  );
  let parsed;
  try {
    parsed = parseArgs({ args, options: parserOptions, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
  if (parsed.values.help === true) {
    console.log(formatHelp(command, options, help));
    throw new HelpShown();
  }
  return {
    values: parsed.values as Record<string, OptionValue>,
    positionals: parsed.positionals,
  };
}

/** A positive integer option, or `undefined` when absent. */
export function positiveInteger(
  command: string,
  name: string,
  value: OptionValue,
): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (typeof value !== "string" || !Number.isInteger(number) || number < 1) {
    throw new UsageError(`${command}: --${name} must be a positive integer, got "${value}"`);
  }
  return number;
}

/** A string option, or `undefined` when absent. */
export function stringOption(value: OptionValue): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A repeatable string option's values, in order (none: an empty list). */
export function stringList(value: OptionValue): string[] {
  if (Array.isArray(value)) return value;
  return typeof value === "string" ? [value] : [];
}
