/**
 * "Did you mean ...?" hints for misspelt keys and values in experiment files.
 *
 * @module
 */

/** Levenshtein distance between two strings (insertions, deletions, substitutions). */
export function editDistance(from: string, to: string): number {
  let previousRow = Array.from({ length: to.length + 1 }, (_, index) => index);
  for (let row = 1; row <= from.length; row++) {
    const currentRow = [row];
    for (let column = 1; column <= to.length; column++) {
      const substitution = previousRow[column - 1] + (from[row - 1] === to[column - 1] ? 0 : 1);
      currentRow[column] = Math.min(
        previousRow[column] + 1,
        currentRow[column - 1] + 1,
        substitution,
      );
    }
    previousRow = currentRow;
  }
  return previousRow[to.length];
}

/**
 * The candidate closest to `typed` (ignoring case), if it is close enough to be
 * a plausible typo: at most a third of the candidate's length away, and at
 * least one edit is always tolerated. Ties go to the earlier candidate.
 */
export function closestName(typed: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(typed.toLowerCase(), candidate.toLowerCase());
    const tolerance = Math.max(1, Math.floor(candidate.length / 3));
    if (distance <= tolerance && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** `; did you mean "x"?` when a close candidate exists, otherwise the empty string. */
export function didYouMeanHint(typed: unknown, candidates: readonly string[]): string {
  if (typeof typed !== "string") return "";
  const suggestion = closestName(typed, candidates);
  return suggestion === undefined || suggestion === typed
    ? ""
    : `; did you mean ${JSON.stringify(suggestion)}?`;
}
