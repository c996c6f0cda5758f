/**
 * Run ids: a content hash of a run's resolved settings, so that the same
 * settings always get the same id whatever the key order or formatting of the
 * experiment file, and any changed setting gets a new one.
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { RunSpec } from "./types.ts";

/**
 * JSON with object keys sorted recursively (by UTF-16 code units) and no
 * whitespace; numbers are written as `JSON.stringify` writes them. Keys whose
 * value is `undefined` are left out, as `JSON.stringify` does.
 *
 * @throws TypeError for values JSON cannot represent exactly (non-finite
 * numbers, `undefined` outside an object, functions, symbols, bigints).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: cannot encode ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(",")}]`;
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${members.join(",")}}`;
  }
  throw new TypeError(`canonicalJson: cannot encode a value of type ${typeof value}`);
}

/** Lower-case hex SHA-256 of the UTF-8 bytes of `text`. */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Hex digits of the hash kept in a run id (64 bits: collisions are negligible at sweep sizes). */
const RUN_ID_LENGTH = 16;

/**
 * The id of a run: the first 16 hex digits of the SHA-256 of the canonical
 * JSON of its settings. The experiment's name is left out: it says where a
 * run is reported, not what it computes, so two experiments that ask for the
 * same run (the paper's methods in the paper and baseline studies) share it.
 */
export function runId(spec: RunSpec): string {
  return sha256Hex(canonicalJson({ ...spec, experiment: undefined })).slice(0, RUN_ID_LENGTH);
}
