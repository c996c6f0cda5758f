/**
 * What `reproduce` and `run` share: their flags, and running a study (the
 * one chosen_study.ts chooses) with Ctrl-C handling and printing its outcome.
 *
 * @module
 */
import { join } from "node:path";
import { prepareStudy, runStudy } from "../runner/study.ts";
import { interruptSignal } from "./interrupt.ts";
import {
  type OptionSpec,
  type OptionValue,
  positiveInteger,
  stringList,
  stringOption,
} from "./options.ts";
import { parseSettingOverride, type SettingOverride } from "../config/overrides.ts";
import { printStudyOutcome } from "./study_report.ts";
import { compareWithCurrentFiles, planStudy } from "../runner/study_plan.ts";
import { announceStudy, type ChosenStudy } from "./chosen_study.ts";
import { printStudyPlan } from "./dry_run.ts";
import { parseShard, type Shard } from "../runner/shard.ts";
import { UsageError } from "./usage_error.ts";
import type { ClaimsFile } from "../config/claims_schema.ts";
import { loadClaimsFile } from "../config/parse_claims.ts";

/**
 * Flags both study commands accept.
 *
 * @param outDefault what `--help` says `--out` defaults to
 * @param profileDefault what `--help` says `--profile` defaults to
 * @param claimsDefault what `--help` says `--claims` defaults to
 */
export function studyFlags(
  outDefault: string,
  profileDefault: string,
  claimsDefault = "none",
): OptionSpec {
  return {
    profile: {
      type: "string",
      valueName: "NAME",
      description: "apply this profile of every experiment file (files without profiles ignore it)",
      defaultValue: profileDefault,
    },
    out: {
      type: "string",
      valueName: "DIR",
      description:
        "write REPORT.md, tables/, figures/ and manifest.json here, and runs to DIR/runs",
      defaultValue: outDefault,
    },
    workers: {
      type: "string",
      valueName: "N",
      description: "runs computed in parallel",
      defaultValue: "one per core",
    },
    force: { type: "boolean", description: "recompute runs already stored" },
    quiet: {
      type: "boolean",
      short: "q",
      description: "no progress line on stderr (the summary is still printed)",
    },
    "data-dir": {
      type: "string",
      valueName: "DIR",
      description: "look for datasets here first",
      defaultValue: "$PRUNING_DATA_DIR, then the user cache and system copies",
    },
    set: {
      type: "string",
      valueName: "PATH=VALUE",
      multiple: true,
      description: "override a setting of every file after its profile, e.g. " +
        "training.epochs=5 or sparsities=[0.5,0.9] (JSON, else text); checked like the " +
        "file and part of the run ids",
    },
    "dry-run": {
      type: "boolean",
      description: "compute nothing: list each experiment's runs, stored or missing, and " +
        "the estimated core-hours of the missing ones",
    },
    claims: {
      type: "string",
      valueName: "FILE",
      multiple: true,
      description: "judge the claims of this claims file in the report (see docs/claims.md)",
      defaultValue: claimsDefault,
    },
    shard: {
      type: "string",
      valueName: "I/N",
      description: "compute only shard I of N (a deterministic, cost-balanced part of the " +
        "study) and write no report",
    },
  };
}

/** The `--shard I/N` flag, or `undefined` when absent; a malformed one is a usage error. */
export function shardOption(
  command: string,
  value: OptionValue,
): Shard | undefined {
  if (typeof value !== "string") return undefined;
  try {
    return parseShard(value);
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message}`);
  }
}

/** The `--set PATH=VALUE` flags, in order; a malformed one is a usage error. */
export function settingOverrides(value: OptionValue): SettingOverride[] {
  return stringList(value).map((text) => {
    try {
      return parseSettingOverride(text);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  });
}

/**
 * The claims files `--claims` names, or `defaults` when it is not given,
 * validated; a bad file is a ConfigError (exit 2) before anything runs.
 */
export async function claimsOption(
  value: OptionValue,
  defaults: readonly string[],
): Promise<ClaimsFile[]> {
  const named = stringList(value);
  const files: ClaimsFile[] = [];
  for (const file of named.length > 0 ? named : defaults) files.push(await loadClaimsFile(file));
  return files;
}

/**
 * Runs `study` into its folder with the parsed flags, judging the claims
 * of `--claims` (else of `defaultClaims`), or with `--dry-run` prints its
 * plan (and, for a recorded study whose files changed since, what the files
 * as they are now would add); returns the exit code.
 */
export async function runStudyCommand(
  command: string,
  study: ChosenStudy,
  values: Record<string, OptionValue>,
  defaultClaims: readonly string[] = [],
): Promise<number> {
  const shard = shardOption(command, values.shard);
  const force = values.force === true;
  const { files, profile, overrides, outDir } = study;
  // A recorded study is validated before it is announced: bad input is one error line.
  if (study.recorded !== undefined) await prepareStudy(files, profile, undefined, false, overrides);
  announceStudy(study);
  const claims = await claimsOption(values.claims, defaultClaims);
  if (values["dry-run"] === true) {
    positiveInteger(command, "workers", values.workers);
    const plan = await planStudy({ files, profile, outDir, force, shard, overrides });
    const changed = study.recorded?.experiments.some(({ current }) => current !== "unchanged");
    const difference = changed
      ? await compareWithCurrentFiles(
        { files, profile, overrides, outDir },
        study.recorded?.experiments.map(({ entry }) => entry.file) ?? [],
      )
      : undefined;
    printStudyPlan(plan, force, difference);
    return 0;
  }
  const interrupt = interruptSignal();
  try {
    const outcome = await runStudy({
      files,
      profile,
      outDir,
      storeDir: join(outDir, "runs"),
      workers: positiveInteger(command, "workers", values.workers),
      force,
      quiet: values.quiet === true,
      dataDir: stringOption(values["data-dir"]),
      signal: interrupt.signal,
      shard,
      overrides,
      claims,
    });
    return printStudyOutcome(outcome, outDir, shard);
  } finally {
    interrupt.dispose();
  }
}
