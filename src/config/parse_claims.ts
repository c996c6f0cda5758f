/**
 * Reading a claims file: JSON syntax, the schema (unknown keys are errors),
 * then the rules that span fields, giving a resolved {@link ClaimsFile} or
 * one {@link ConfigError} naming the file and the JSON path of the field.
 *
 * @module
 */

import { ConfigError, formatJsonPath } from "./errors.ts";
import { didYouMeanHint } from "./did_you_mean.ts";
import { parseJsonText } from "./parse_experiment.ts";
import { configErrorFromIssues, describeExpectation } from "./zod_issues.ts";
import {
  type ActiveClaim,
  type ClaimsFile,
  type ClaimsFileDocument,
  claimsFileSchema,
  type DroppedClaim,
  type MetricMargin,
} from "./claims_schema.ts";

/** The name a claims file has beside experiment files (`experiments/paper/claims.json`). */
export const CLAIMS_FILE_NAME = "claims.json";

/** The claims file of the paper's claims, relative to the repository root. */
export const PAPER_CLAIMS_FILE = "experiments/paper/claims.json";

/** Whether a file name is a claims file's (`claims.json`, `*.claims.json`), not an experiment's. */
export function isClaimsFileName(name: string): boolean {
  return name === CLAIMS_FILE_NAME || name.endsWith(`.${CLAIMS_FILE_NAME}`);
}

/** The quantity whose margin is in epochs. */
const EPOCHS_QUANTITY = "epochsToTargetSparsity";

/** The path of claim `index`'s field `key`. */
function claimPath(index: number, ...rest: (string | number)[]): string {
  return formatJsonPath(["claims", index, ...rest]);
}

/** Resolves one margin rule's metric entries to exactly-one-form margins. */
function resolveMargins(
  file: string,
  name: string,
  rule: ClaimsFileDocument["margins"][string],
): Record<string, MetricMargin> {
  const margins: Record<string, MetricMargin> = {};
  for (const [metric, entry] of Object.entries(rule)) {
    if (entry === undefined) continue;
    const path = formatJsonPath(["margins", name, metric]);
    const forms = [entry.absolute, entry.fractionOfConstantImageError].filter((value) =>
      value !== undefined
    );
    if (metric === EPOCHS_QUANTITY && entry.fractionOfConstantImageError !== undefined) {
      throw new ConfigError(
        file,
        formatJsonPath(["margins", name, metric, "fractionOfConstantImageError"]),
        'epochs have no constant-image error; give "absolute", a number of epochs',
      );
    }
    if (forms.length !== 1) {
      throw new ConfigError(
        file,
        path,
        `expected exactly one of "absolute" or "fractionOfConstantImageError", found ${forms.length}`,
      );
    }
    margins[metric] = entry.absolute !== undefined
      ? { kind: "absolute", value: entry.absolute, basis: entry.basis }
      : {
        kind: "fractionOfConstantImageError",
        value: entry.fractionOfConstantImageError as number,
        basis: entry.basis,
      };
  }
  if (Object.keys(margins).length === 0) {
    throw new ConfigError(
      file,
      formatJsonPath(["margins", name]),
      "expected a margin for a metric",
    );
  }
  return margins;
}

/** Resolves a validated document, checking the rules that span fields. */
function resolveClaims(document: ClaimsFileDocument, file: string): ClaimsFile {
  const marginNames = Object.keys(document.margins);
  const resolvedMargins = new Map(
    marginNames.map((name) => [name, resolveMargins(file, name, document.margins[name])]),
  );
  const seen = new Map<string, number>();
  const claims = document.claims.map((claim, index): ActiveClaim | DroppedClaim => {
    const earlier = seen.get(claim.id);
    if (earlier !== undefined) {
      throw new ConfigError(
        file,
        claimPath(index, "id"),
        `"${claim.id}" is already the id of claim ${earlier}`,
      );
    }
    seen.set(claim.id, index);
    if (claim.status === "dropped") {
      if (claim.reason === undefined) {
        throw new ConfigError(
          file,
          claimPath(index, "reason"),
          "missing required setting; a dropped claim says why",
        );
      }
      if (claim.quantity !== "primaryMetric" || claim.direction !== undefined) {
        throw new ConfigError(
          file,
          claimPath(index, claim.direction !== undefined ? "direction" : "quantity"),
          "a dropped claim is not tested, so it has no quantity or direction",
        );
      }
      for (const key of ["kind", "first", "second", "margin"] as const) {
        if (claim[key] !== undefined) {
          throw new ConfigError(
            file,
            claimPath(index, key),
            "a dropped claim is not tested, so it has no kind, sides or margin",
          );
        }
      }
      return { id: claim.id, statement: claim.statement, status: "dropped", reason: claim.reason };
    }
    for (const key of ["kind", "first", "second", "margin"] as const) {
      if (claim[key] === undefined) {
        throw new ConfigError(
          file,
          claimPath(index, key),
          `missing required setting; an active claim needs "kind", "first", "second" and "margin"`,
        );
      }
    }
    if (claim.reason !== undefined) {
      throw new ConfigError(file, claimPath(index, "reason"), "only a dropped claim has a reason");
    }
    const marginName = claim.margin as string;
    const margins = resolvedMargins.get(marginName);
    if (margins === undefined) {
      throw new ConfigError(
        file,
        claimPath(index, "margin"),
        `no margin rule "${marginName}" in $.margins; declared: ${marginNames.join(", ")}` +
          didYouMeanHint(marginName, marginNames),
      );
    }
    checkQuantity(file, index, claim, marginName, margins);
    const { minSparsity, maxSparsity } = claim.scope;
    if (minSparsity !== undefined && maxSparsity !== undefined && minSparsity > maxSparsity) {
      throw new ConfigError(
        file,
        claimPath(index, "scope", "minSparsity"),
        `expected at most maxSparsity ${maxSparsity}, found ${minSparsity}`,
      );
    }
    return {
      id: claim.id,
      statement: claim.statement,
      status: "active",
      kind: claim.kind!,
      combination: claim.combination,
      first: claim.first!,
      second: claim.second!,
      twinsDifferingIn: claim.twinsDifferingIn,
      variants: claim.variants,
      scope: claim.scope,
      quantity: claim.quantity,
      direction: claim.direction,
      marginName,
      margins,
    };
  });
  return {
    file,
    name: document.name,
    alpha: document.alpha,
    ...(document.sensitivity === undefined
      ? {}
      : { sensitivityExperiments: sensitivityExperiments(file, document.sensitivity) }),
    claims,
  };
}

/**
 * The rules of a claim's quantity: the primary metric brings its own
 * direction; any other quantity needs one, and a margin for it in the rule.
 */
function checkQuantity(
  file: string,
  index: number,
  claim: ClaimsFileDocument["claims"][number],
  marginName: string,
  margins: Record<string, MetricMargin>,
): void {
  if (claim.quantity === "primaryMetric") {
    if (claim.direction !== undefined) {
      throw new ConfigError(
        file,
        claimPath(index, "direction"),
        "only a claim about a quantity other than the primary metric has a direction (the " +
          'primary metric says whether higher is better); remove it or set "quantity"',
      );
    }
    return;
  }
  if (claim.direction === undefined) {
    throw new ConfigError(
      file,
      claimPath(index, "direction"),
      `missing required setting; a claim about ${claim.quantity} says whether the first side ` +
        'has "more" or "fewer"',
    );
  }
  if (margins[claim.quantity] === undefined) {
    throw new ConfigError(
      file,
      claimPath(index, "margin"),
      `margin rule "${marginName}" has no "${claim.quantity}" entry, which a claim about ` +
        `${claim.quantity} is judged at`,
    );
  }
}

/** The sensitivity block's experiments, checked for repeats. */
function sensitivityExperiments(
  file: string,
  sensitivity: NonNullable<ClaimsFileDocument["sensitivity"]>,
): string[] {
  sensitivity.experiments.forEach((name, index) => {
    const earlier = sensitivity.experiments.indexOf(name);
    if (earlier !== index) {
      throw new ConfigError(
        file,
        formatJsonPath(["sensitivity", "experiments", index]),
        `"${name}" is already listed at index ${earlier}`,
      );
    }
  });
  return [...sensitivity.experiments];
}

/**
 * Parses, validates and resolves the text of a claims file.
 *
 * @param text the file's contents
 * @param file the file's name as the user gave it (for error messages)
 * @throws ConfigError for the first problem, naming the file and the field
 */
export function parseClaimsText(text: string, file: string): ClaimsFile {
  const document = parseJsonText(text, file);
  const result = claimsFileSchema.safeParse(document, { error: describeExpectation });
  if (!result.success) throw configErrorFromIssues(result.error.issues, document, file);
  return { ...resolveClaims(result.data, file), text };
}

/**
 * Reads a claims file and resolves it with {@link parseClaimsText}.
 *
 * @param path file to read; also the name errors use
 * @throws ConfigError when the file cannot be read or is invalid
 */
export async function loadClaimsFile(path: string): Promise<ClaimsFile> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? "it does not exist"
      : error instanceof Error
      ? error.message
      : String(error);
    throw new ConfigError(path, null, `cannot read the claims file: ${reason}`);
  }
  return parseClaimsText(text, path);
}
