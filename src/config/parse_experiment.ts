/**
 * Reading an experiment file: JSON syntax, the chosen profile, the schema
 * (unknown keys are errors at every level), defaults and the cross-field
 * rules, giving a resolved {@link Experiment} or one {@link ConfigError}.
 *
 * @module
 */

import { ConfigError, formatJsonPath } from "./errors.ts";
import { didYouMeanHint } from "./did_you_mean.ts";
import type { Experiment, GridAxis } from "./experiment.ts";
import { experimentFileSchema, GRID_PATHS } from "./experiment_schema.ts";
import type { ExperimentFile } from "./experiment_schema.ts";
import { applySettingOverrides, type SettingOverride } from "./overrides.ts";
import { applyProfile } from "./profiles.ts";
import { embedReferences, MATCHED_RANDOM, matchedRandomLabel } from "./references.ts";
import { checkExperimentConsistency, LOCATE_IN_FILE } from "./consistency.ts";
import type { SettingLocator } from "./consistency.ts";
import { configErrorFromIssues, describeExpectation } from "./zod_issues.ts";
import type { MethodSettings } from "./types.ts";

/** Options of {@link parseExperimentText} and {@link loadExperimentFile}. */
export interface ExperimentOptions {
  /**
   * Profile whose overrides to apply. A file without `profiles` ignores it
   * (so one `--profile` can be given to a whole set of files); a file that
   * declares profiles but not this one is an error, which catches typos.
   */
  profile?: string;
  /**
   * Settings overridden on the command line (`--set PATH=VALUE`), applied
   * after the profile and validated with the file; errors name the `--set`.
   */
  set?: readonly SettingOverride[];
}

/** Line and column (both 1-based) of a character offset in `text`. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/**
 * Parses JSON text, turning a syntax error into a {@link ConfigError} that
 * names the file and, where the parser tells, the line and column.
 */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(message);
    const offset = position !== null
      ? Number(position[1])
      : /Unexpected end of JSON input/.test(message)
      ? text.length
      : undefined;
    // V8 quotes the whole text in some messages; keep only the explanation.
    const reason = message.replace(/ in JSON at position.*$/, "").replace(/, ".*$/s, "");
    if (offset === undefined) return fail(file, `invalid JSON: ${reason}`);
    const { line, column } = lineAndColumn(text, offset);
    return fail(file, `invalid JSON at line ${line}, column ${column}: ${reason}`);
  }
}

function fail(file: string, detail: string): never {
  throw new ConfigError(file, null, detail);
}

function validate(document: unknown, file: string, locate = formatJsonPath): ExperimentFile {
  const result = experimentFileSchema.safeParse(document, { error: describeExpectation });
  if (!result.success) {
    throw configErrorFromIssues(result.error.issues, document, file, locate);
  }
  return result.data;
}

/** Builds the resolved experiment from a validated file (labels default to method names). */
function resolve(file: string, parsed: ExperimentFile, profile: string | null): Experiment {
  const methods: MethodSettings[] = embedReferences(parsed.methods.map((method) => {
    const settings: Record<string, unknown> = structuredClone(method);
    return {
      ...settings,
      name: method.name,
      label: method.label ??
        (method.name === MATCHED_RANDOM
          ? matchedRandomLabel(String(settings.reference))
          : method.name),
    };
  }));
  const grid: GridAxis[] = [];
  for (const path of GRID_PATHS) {
    const values = parsed.grid[path];
    if (values !== undefined) grid.push({ path, values: structuredClone(values) });
  }
  return {
    file,
    name: parsed.name,
    description: parsed.description,
    profile,
    dataset: parsed.dataset,
    model: structuredClone(parsed.model),
    training: { ...parsed.training },
    backend: parsed.backend,
    engine: parsed.engine,
    engineRule: parsed.engineRule,
    methods,
    sparsities: [...parsed.sparsities],
    seeds: [...parsed.seeds],
    minimumFinalTraining: parsed.minimumFinalTraining,
    grid,
  };
}

/**
 * Parses, validates and resolves the text of an experiment file.
 *
 * @param text the file's contents
 * @param file the file's name as the user gave it (for error messages)
 * @param options which profile to apply
 * @throws ConfigError for the first problem found, naming the file and the setting
 */
export function parseExperimentText(
  text: string,
  file: string,
  options: ExperimentOptions = {},
): Experiment {
  const document = parseJsonText(text, file);
  const parsed = validate(document, file);
  const profileName = options.profile;
  const declared = Object.keys(parsed.profiles);
  const overrides = options.set ?? [];
  const profiled = profileName !== undefined && declared.length > 0;
  if (!profiled && overrides.length === 0) {
    const experiment = resolve(file, parsed, null);
    checkExperimentConsistency(experiment);
    return experiment;
  }
  // Validation succeeded, so the document is an object.
  let source = document as Record<string, unknown>;
  let locator: SettingLocator = LOCATE_IN_FILE;
  if (profiled) {
    if (!Object.hasOwn(parsed.profiles, profileName)) {
      throw new ConfigError(
        file,
        "$.profiles",
        `no profile ${JSON.stringify(profileName)}; declared: ${declared.join(", ")}` +
          didYouMeanHint(profileName, declared),
      );
    }
    const profile = (source.profiles as Record<string, Record<string, unknown>>)[profileName];
    const applied = applyProfile(source, profileName, profile);
    source = applied.document;
    locator = {
      locate: applied.locate,
      epochsSource: applied.isOverridden(["training", "epochs"])
        ? `, from profile ${JSON.stringify(profileName)}`
        : locator.epochsSource,
    };
  }
  if (overrides.length > 0) {
    const applied = applySettingOverrides(source, overrides, file, locator.locate);
    source = applied.document;
    locator = {
      locate: applied.locate,
      epochsSource: applied.isOverridden(["training", "epochs"])
        ? `, from ${applied.locate(["training", "epochs"])}`
        : locator.epochsSource,
    };
  }
  const reparsed = validate(source, file, locator.locate);
  const experiment = resolve(file, reparsed, profiled ? profileName : null);
  checkExperimentConsistency(experiment, locator);
  return experiment;
}

/**
 * Reads an experiment file's text.
 *
 * @throws ConfigError naming the file when it cannot be read
 */
export async function readExperimentText(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      fail(path, "cannot read the file: it does not exist");
    }
    const reason = error instanceof Error ? error.message : String(error);
    fail(path, `cannot read the file: ${reason}`);
  }
}

/**
 * Reads an experiment file and resolves it with {@link parseExperimentText}.
 *
 * @param path file to read; also the name errors use
 * @throws ConfigError when the file cannot be read or is invalid
 */
export async function loadExperimentFile(
  path: string,
  options: ExperimentOptions = {},
): Promise<Experiment> {
  return parseExperimentText(await readExperimentText(path), path, options);
}
