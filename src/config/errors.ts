/**
 * The error every experiment-file problem becomes: one line that names the
 * file, the JSON path of the offending setting, what was found and what is
 * allowed, and exit code 2 (bad input).
 *
 * @module
 */

/** A path into a JSON document, as a list of object keys and array indices. */
export type JsonPathSegments = readonly (string | number)[];

/**
 * A mistake in an experiment file (or in the way it was asked for). The CLI
 * prints `message` without a stack trace and exits with {@link exitCode}.
 *
 * The message reads `<file>: <path>: <detail>`, e.g.
 * `experiments/x.json: $.methods[1].k: expected an integer >= 1, found 0`;
 * the path part is left out when the problem concerns the whole file.
 */
export class ConfigError extends Error {
  /** Process exit status for bad input, as the design's exit-code table says. */
  readonly exitCode = 2;
  /** The experiment file the problem is in, as the user named it. */
  readonly file: string;
  /** JSON path of the offending setting (e.g. `$.methods[1].k`), or `null` for the whole file. */
  readonly path: string | null;
  /** The problem without the file and path prefix. */
  readonly detail: string;

  /**
   * Creates the error; the message is built from the three parts.
   *
   * @param file the experiment file, as the user named it
   * @param path JSON path of the setting at fault, or `null` when the whole file is
   * @param detail what is wrong: what was found and what is allowed, on one line
   */
  constructor(file: string, path: string | null, detail: string) {
    const oneLineDetail = escapeLineBreaking(detail.replace(/\s*\n\s*/g, " "));
    const shownFile = escapeLineBreaking(file);
    super(
      path === null
        ? `${shownFile}: ${oneLineDetail}`
        : `${shownFile}: ${escapeLineBreaking(path)}: ${oneLineDetail}`,
    );
    this.name = "ConfigError";
    this.file = file;
    this.path = path;
    this.detail = oneLineDetail;
  }
}

/**
 * Control characters (C0, DEL, C1) and the Unicode line and paragraph
 * separators. `JSON.stringify` leaves U+2028, U+2029, DEL and C1 raw, and a
 * parser's own message quotes the offending character as it is.
 */
// deno-lint-ignore no-control-regex -- matching control characters is the point
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Writes each control or separator character of `text` as a `\uXXXX` escape,
 * so that a message stays one line in a terminal and in a log.
 */
export function escapeLineBreaking(text: string): string {
  return text.replace(
    LINE_BREAKING,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Writes path segments as a JSON path: `$.methods[1].k`; keys that are not
 * identifiers are bracketed and quoted, as in `$.grid["training.epochs"][0]`.
 */
export function formatJsonPath(segments: JsonPathSegments): string {
  let text = "$";
  for (const segment of segments) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** Longest JSON rendering of a found value that is quoted verbatim in a message. */
const MAX_QUOTED_LENGTH = 40;

/**
 * Describes a value found in a file for an error message: short values are
 * quoted as JSON (`"magnitud"`, `0`, `[300,100]`), long ones summarised
 * (`an array of 12 items`, `an object`).
 */
export function describeFoundValue(value: unknown): string {
  if (value === undefined) return "nothing";
  const json = JSON.stringify(value);
  if (json !== undefined && json.length <= MAX_QUOTED_LENGTH) return json;
  if (typeof value === "string") return `${JSON.stringify(value.slice(0, MAX_QUOTED_LENGTH))}...`;
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  return `an object`;
}

/**
 * The value at `segments` inside a parsed JSON document, or `{ present: false }`
 * when some step of the path does not exist.
 */
export function valueAtPath(
  document: unknown,
  segments: JsonPathSegments,
): { present: true; value: unknown } | { present: false } {
  let current: unknown = document;
  for (const segment of segments) {
    if (current === null || typeof current !== "object") return { present: false };
    if (!Object.hasOwn(current, segment)) return { present: false };
    current = (current as Record<string | number, unknown>)[segment];
  }
  return { present: true, value: current };
}
