/**
 * Turns zod validation issues into {@link ConfigError}s that read like
 * `$.methods[1].k: expected an integer >= 1, found 0`.
 *
 * Two halves: {@link describeExpectation} is handed to zod as the error map
 * of a parse, so every issue's message says what is allowed (zod still knows
 * the schema then, which gives the allowed keys of an object); then
 * {@link configErrorFromIssues} adds where it is and what was found, which it
 * reads from the parsed document.
 *
 * @module
 */

import type { z } from "zod";
import { ConfigError, describeFoundValue, formatJsonPath, valueAtPath } from "./errors.ts";
import type { JsonPathSegments } from "./errors.ts";
import { didYouMeanHint } from "./did_you_mean.ts";

const TYPE_NOUNS: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "an object",
  array: "an array",
  null: "null",
};

/** `"a", "b", "c"` */
function quotedList(values: readonly unknown[]): string {
  return values.map((value) => JSON.stringify(value)).join(", ");
}

/** Keys an object schema allows, read from the zod instance that raised the issue. */
function allowedKeysOf(instance: unknown): string[] {
  const shape = (instance as { _zod?: { def?: { shape?: Record<string, unknown> } } })?._zod?.def
    ?.shape;
  return shape === undefined ? [] : Object.keys(shape).sort();
}

/**
 * Zod error map (pass as `{ error: describeExpectation }` to `safeParse`): the
 * message of each issue says what is allowed, starting with `expected`, or,
 * for unknown keys, names the key, the allowed keys and the closest one.
 */
export const describeExpectation: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      return `expected ${TYPE_NOUNS[issue.expected] ?? issue.expected}`;
    case "too_small":
      if (issue.origin === "array") {
        return `expected at least ${issue.minimum} item${Number(issue.minimum) === 1 ? "" : "s"}`;
      }
      if (issue.origin === "string") return `expected at least ${issue.minimum} characters`;
      return `expected a number ${issue.inclusive ? ">=" : ">"} ${issue.minimum}`;
    case "too_big":
      if (issue.origin === "array") return `expected at most ${issue.maximum} items`;
      if (issue.origin === "string") return `expected at most ${issue.maximum} characters`;
      return `expected a number ${issue.inclusive ? "<=" : "<"} ${issue.maximum}`;
    case "invalid_value":
      return `expected one of ${quotedList(issue.values)}`;
    case "unrecognized_keys": {
      const allowed = allowedKeysOf(issue.inst);
      return `unknown key ${JSON.stringify(issue.keys[0])}; allowed: ${allowed.join(", ")}` +
        didYouMeanHint(issue.keys[0], allowed);
    }
    case "invalid_union": {
      const options = (issue as { options?: unknown[] }).options;
      if (options !== undefined) return `expected one of ${quotedList(options)}`;
      return "expected a value of one of the allowed forms";
    }
    default:
      return undefined;
  }
};

/** Where an issue's path should be reported, when part of the document came from elsewhere. */
export type PathRelocator = (segments: JsonPathSegments) => string;

/**
 * The {@link ConfigError} for the first issue of a failed parse.
 *
 * @param issues the issues of a parse that used {@link describeExpectation}
 * @param document the parsed JSON the issues are about (to quote what was found)
 * @param file the experiment file, for the message
 * @param relocate writes the JSON path of a setting; defaults to {@link formatJsonPath}
 */
export function configErrorFromIssues(
  issues: readonly z.core.$ZodIssue[],
  document: unknown,
  file: string,
  relocate: PathRelocator = formatJsonPath,
): ConfigError {
  const issue = issues[0];
  const segments = issue.path.map((segment) =>
    typeof segment === "number" ? segment : String(segment)
  );
  if (issue.code === "unrecognized_keys") {
    return new ConfigError(file, relocate([...segments, issue.keys[0]]), issue.message);
  }
  const found = valueAtPath(document, segments);
  if (!found.present) {
    return new ConfigError(file, relocate(segments), `missing required setting; ${issue.message}`);
  }
  const candidates = issue.code === "invalid_value"
    ? issue.values.filter((value) => typeof value === "string")
    : issue.code === "invalid_union"
    ? ((issue as { options?: unknown[] }).options ?? []).filter((value) =>
      typeof value === "string"
    )
    : [];
  return new ConfigError(
    file,
    relocate(segments),
    `${issue.message}, found ${describeFoundValue(found.value)}${
      didYouMeanHint(found.value, candidates as string[])
    }`,
  );
}
