/**
 * The matched-random control (and the prune-early control with its
 * `matched-random` mask) names the method whose per-layer densities it
 * copies by that method's label (`reference`). Resolving a file embeds the
 * referenced method's resolved settings in the control's settings
 * (`referenceMethod`), so that a run is self-contained (it recomputes the
 * reference's mask for its own seed) and its id changes whenever the
 * reference's settings do.
 *
 * @module
 */

import type { MethodSettings } from "./types.ts";

/** The method name of the matched-random control. */
export const MATCHED_RANDOM = "matched-random";

/** The method name of the prune-early control. */
export const PRUNE_EARLY = "prune-early";

/** Methods a control cannot copy: no mask (`dense`), or a control itself. */
export const UNREFERENCEABLE_METHODS: readonly string[] = ["dense", MATCHED_RANDOM, PRUNE_EARLY];

/** True when `method` copies another method's per-layer counts through `reference`. */
export function copiesReference(method: MethodSettings): boolean {
  return method.name === MATCHED_RANDOM ||
    (method.name === PRUNE_EARLY && typeof method.reference === "string");
}

/** The label a matched-random control gets when the file gives none. */
export function matchedRandomLabel(reference: string): string {
  return `${MATCHED_RANDOM} (${reference})`;
}

/**
 * Copies of `methods` in which every control that copies a reference carries the
 * settings of the method its `reference` labels, as `referenceMethod`.
 * A reference that names no method, or one the control cannot copy, is left
 * unresolved: the consistency check reports it with the file and field.
 */
export function embedReferences(methods: readonly MethodSettings[]): MethodSettings[] {
  return methods.map((method) => {
    if (!copiesReference(method)) return method;
    const referenced = methods.find((candidate) => candidate.label === method.reference);
    if (referenced === undefined || UNREFERENCEABLE_METHODS.includes(referenced.name)) {
      return method;
    }
    return { ...method, referenceMethod: structuredClone(referenced) };
  });
}
