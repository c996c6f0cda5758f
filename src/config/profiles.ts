/**
 * Profiles: named sets of overrides inside an experiment file (e.g. a quick
 * variant for smoke tests). The chosen profile's values replace the file's
 * before defaults are filled, so `model.kind: "autoencoder"` also brings the
 * autoencoder's default hidden layers.
 *
 * @module
 */

import { formatJsonPath } from "./errors.ts";
import type { JsonPathSegments } from "./errors.ts";

/** An experiment document with a profile's overrides written into it. */
export interface ProfiledDocument {
  /** A copy of the document with the overrides applied. */
  document: Record<string, unknown>;
  /**
   * Writes the JSON path of a setting, pointing into the profile for the
   * settings it overrode (e.g. `$.profiles.quick["training.epochs"]`).
   */
  locate: (segments: JsonPathSegments) => string;
  /** True when the setting at `segments` (or a parent of it) came from the profile. */
  isOverridden: (segments: JsonPathSegments) => boolean;
}

/** Settings absent from the file but needed as a parent of an override. */
const EMPTY_PARENTS: Record<string, () => Record<string, unknown>> = {
  // A model needs a kind; "mlp" is the default model's kind.
  model: () => ({ kind: "mlp" }),
};

function startsWith(segments: JsonPathSegments, prefix: readonly string[]): boolean {
  return prefix.every((segment, index) => segments[index] === segment);
}

/**
 * Writes `overrides` (dotted path -> value, already validated) into a copy of
 * `document`; shallower paths first, so `training` then `training.epochs`.
 *
 * @param document the experiment file as parsed JSON (an object)
 * @param profileName name of the profile, for error paths
 * @param overrides the profile's entries as written in the file
 */
export function applyProfile(
  document: Record<string, unknown>,
  profileName: string,
  overrides: Record<string, unknown>,
): ProfiledDocument {
  const result = structuredClone(document);
  const entries = Object.entries(overrides)
    .map(([key, value]) => ({ key, segments: key.split("."), value }))
    .sort((left, right) => left.segments.length - right.segments.length);
  for (const { segments, value } of entries) {
    let parent: Record<string, unknown> = result;
    for (const segment of segments.slice(0, -1)) {
      const child = parent[segment];
      if (child === null || typeof child !== "object" || Array.isArray(child)) {
        parent[segment] = EMPTY_PARENTS[segment]?.() ?? {};
      }
      parent = parent[segment] as Record<string, unknown>;
    }
    parent[segments[segments.length - 1]] = structuredClone(value);
  }
  const overriddenBy = (segments: JsonPathSegments) => {
    let best: (typeof entries)[number] | undefined;
    for (const entry of entries) {
      if (startsWith(segments, entry.segments)) {
        if (best === undefined || entry.segments.length > best.segments.length) best = entry;
      }
    }
    return best;
  };
  return {
    document: result,
    isOverridden: (segments) => overriddenBy(segments) !== undefined,
    locate: (segments) => {
      const entry = overriddenBy(segments);
      if (entry === undefined) return formatJsonPath(segments);
      return formatJsonPath([
        "profiles",
        profileName,
        entry.key,
        ...segments.slice(entry.segments.length),
      ]);
    },
  };
}
