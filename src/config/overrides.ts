/**
 * Settings overridden on the command line (`--set PATH=VALUE`, as Hydra users
 * expect): a dotted path into the experiment document (`training.epochs`,
 * `methods.0.k`, `sparsities`) and a value, written into the document after
 * its profile and before validation, so an override is checked like the file
 * itself, errors name the `--set`, and the resolved settings (hence the run
 * ids) include it.
 *
 * @module
 */
import { ConfigError, formatJsonPath, type JsonPathSegments } from "./errors.ts";

/** One `--set PATH=VALUE`. */
export interface SettingOverride {
  /** The path as written, e.g. `training.epochs`. */
  path: string;
  /** The value: the JSON the user wrote, or the text itself when it is not JSON. */
  value: unknown;
}

/** A document with overrides written in, and where each setting came from. */
export interface OverriddenDocument {
  /** A copy of the document with the overrides applied. */
  document: Record<string, unknown>;
  /**
   * The name of a setting for error messages: `--set training.epochs` (plus
   * the rest of the path) for an overridden one, `fallback` otherwise.
   */
  locate: (segments: JsonPathSegments) => string;
  /** True when the setting at `segments` (or a parent of it) came from an override. */
  isOverridden: (segments: JsonPathSegments) => boolean;
}

/**
 * Parses `PATH=VALUE`. The value is read as JSON when it parses (`2`,
 * `[0.5,0.9]`, `true`, `"text"`) and taken as text otherwise (`sgd`).
 *
 * @throws Error (exit code 2) when there is no `=` or a path segment is empty
 */
export function parseSettingOverride(text: string): SettingOverride {
  const equals = text.indexOf("=");
  const path = equals < 0 ? "" : text.slice(0, equals).trim();
  if (equals < 0 || path.split(".").some((segment) => segment === "")) {
    throw Object.assign(
      new Error(`--set ${text}: expected PATH=VALUE with a dotted path, e.g. training.epochs=5`),
      { exitCode: 2 },
    );
  }
  const raw = text.slice(equals + 1);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  return { path, value };
}

/**
 * A path's segments. The grid's keys are themselves dotted paths
 * (`grid.training.learningRate` is the key `training.learningRate` of `grid`).
 */
function segmentsOf(path: string): string[] {
  const segments = path.split(".");
  return segments[0] === "grid" && segments.length > 2
    ? ["grid", segments.slice(1).join(".")]
    : segments;
}

/**
 * Writes `overrides` into a copy of `document`, in order (a later one wins).
 * Missing objects along a path are created; a numeric segment indexes an
 * array. A path through a value that is neither is an error naming the `--set`.
 *
 * @param file the experiment file, for error messages
 * @param fallback how settings not overridden are named (e.g. pointing into a profile)
 */
export function applySettingOverrides(
  document: Record<string, unknown>,
  overrides: readonly SettingOverride[],
  file: string,
  fallback: (segments: JsonPathSegments) => string = formatJsonPath,
): OverriddenDocument {
  const result = structuredClone(document);
  const applied: { path: string; segments: string[] }[] = [];
  for (const { path, value } of overrides) {
    const segments = segmentsOf(path);
    let parent: Record<string, unknown> | unknown[] = result;
    for (const [index, segment] of segments.entries()) {
      const last = index === segments.length - 1;
      if (Array.isArray(parent)) {
        const position = Number(segment);
        if (!Number.isInteger(position) || position < 0 || position >= parent.length) {
          throw new ConfigError(
            file,
            `--set ${path}`,
            `"${segment}" is not an index of ${
              formatJsonPath(segments.slice(0, index))
            } (an array of ${parent.length})`,
          );
        }
        if (last) parent[position] = structuredClone(value);
        else parent = descend(parent, position, path, file);
      } else if (last) {
        parent[segment] = structuredClone(value);
      } else {
        if (parent[segment] === undefined) parent[segment] = {};
        parent = descend(parent, segment, path, file);
      }
    }
    applied.push({ path, segments });
  }
  const overriddenBy = (segments: JsonPathSegments) => {
    let best: (typeof applied)[number] | undefined;
    for (const entry of applied) {
      const matches = entry.segments.every((segment, index) => String(segments[index]) === segment);
      if (matches && (best === undefined || entry.segments.length >= best.segments.length)) {
        best = entry;
      }
    }
    return best;
  };
  return {
    document: result,
    isOverridden: (segments) => overriddenBy(segments) !== undefined,
    locate: (segments) => {
      const entry = overriddenBy(segments);
      if (entry === undefined) {
        // A problem on the way to an overridden setting (a misspelt key the
        // --set created) is the --set's too.
        const through = applied.findLast((candidate) =>
          segments.length < candidate.segments.length &&
          segments.every((segment, index) => String(segment) === candidate.segments[index])
        );
        return through === undefined ? fallback(segments) : `--set ${through.path}`;
      }
      const rest = formatJsonPath(segments.slice(entry.segments.length)).slice(1);
      return `--set ${entry.path}${rest}`;
    },
  };
}

/** The object or array at `parent[key]`, or an error naming the `--set` when it is neither. */
function descend(
  parent: Record<string, unknown> | unknown[],
  key: string | number,
  path: string,
  file: string,
): Record<string, unknown> | unknown[] {
  const child = (parent as Record<string | number, unknown>)[key];
  if (child === null || typeof child !== "object") {
    throw new ConfigError(
      file,
      `--set ${path}`,
      `"${key}" holds ${JSON.stringify(child)}, which has no settings inside it`,
    );
  }
  return child as Record<string, unknown> | unknown[];
}
