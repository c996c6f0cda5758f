/**
 * The record a study folder keeps of its study, so that `report`, `verify`
 * and `--dry-run` given only `--out DIR` know what DIR holds: `manifest.json`
 * names the experiment files, their SHA-256, the profile and the `--set`
 * overrides, and `study/` holds a copy of each file exactly as it was used.
 *
 * The copies are what make a folder self-contained: the experiment files in
 * `experiments/` go on changing (a profile gains runs, a method a parameter)
 * after a study is computed, and the study's report must still regenerate
 * byte for byte, and its runs still verify, from the folder alone. A file
 * that changed since is reported by the commands (see {@link RecordedStudy}),
 * never silently used in the recorded one's place.
 *
 * The manifest is written last, after the copies, so that it never names a
 * copy that is not there yet.
 *
 * @module
 */
import { readdir, rm } from "node:fs/promises";
import { basename, join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../atomic_file.ts";
import { ConfigError, formatJsonPath } from "../config/errors.ts";
import type { SettingOverride } from "../config/overrides.ts";
import { parseJsonText } from "../config/parse_experiment.ts";
import { sha256Hex } from "../config/run_id.ts";
import { configErrorFromIssues, describeExpectation } from "../config/zod_issues.ts";
import { fileSafeName } from "../report/format.ts";

/** The manifest's name inside a study folder. */
export const MANIFEST_FILE = "manifest.json";

/** The folder, inside a study folder, that holds the copies of the study's files. */
export const SNAPSHOT_DIR = "study";

/** An experiment file's text and the name it is known by (its path when it was read). */
export interface ExperimentSource {
  /** The file's path as the study was given it; the report names it. */
  file: string;
  /** Its contents. */
  text: string;
  /**
   * Where the text was read from when it is a study's recorded copy
   * (`DIR/study/<name>.json`): errors in it name the copy, not `file`.
   */
  recordedCopy?: string;
}

/** One file of a study (an experiment or claims file) as the manifest records it. */
export interface RecordedFileEntry {
  /** The file's path as the study was given it. */
  file: string;
  /** SHA-256 (hex) of the file's text as used. */
  sha256: string;
  /** The copy of the file, relative to the study folder (`study/...json`). */
  snapshot: string;
}

/** One experiment as the manifest records it. */
export interface RecordedExperimentEntry extends RecordedFileEntry {
  /** The experiment's name. */
  name: string;
  /** Its runs (a run it shares with another experiment counts in both). */
  runs: number;
}

/** Where a study's copy of an experiment file goes: named like its table, `study/<name>.json`. */
export function snapshotPath(experimentName: string): string {
  return `${SNAPSHOT_DIR}/${fileSafeName(experimentName)}.json`;
}

/** The folder, inside `study/`, that holds the copies of the claims files a report judged. */
export const CLAIMS_SNAPSHOT_DIR = `${SNAPSHOT_DIR}/claims`;

/**
 * Where the copies of claims files go: `study/claims/<file name>`, numbered
 * (`-2`, `-3`) when two files share a name.
 */
export function claimsSnapshotPaths(files: readonly string[]): string[] {
  const taken = new Set<string>();
  return files.map((file) => {
    const stem = fileSafeName(basename(file).replace(/\.json$/, ""));
    let path = `${CLAIMS_SNAPSHOT_DIR}/${stem}.json`;
    for (let count = 2; taken.has(path); count++) {
      path = `${CLAIMS_SNAPSHOT_DIR}/${stem}-${count}.json`;
    }
    taken.add(path);
    return path;
  });
}

/** What a study's record holds: what the manifest says the study is, with each file's text. */
export interface StudyRecordContent {
  /** The profile (`undefined`: the files as written). */
  profile: string | undefined;
  /** The `--set` overrides, in order. */
  overrides: readonly SettingOverride[];
  /** Each experiment's name, source and runs, in order. */
  experiments: readonly { name: string; source: ExperimentSource; runs: number }[];
  /**
   * The claims files the report judged, when the caller knows them (the
   * manifest then lists them under `claims`); `undefined` records none.
   */
  claims?: readonly ExperimentSource[];
}

/**
 * Writes the copies of the study's experiment (and claims) files into
 * `outDir/study/` (removing copies a previous study left there), then
 * `outDir/manifest.json` with the study's definition and `provenance`
 * (versions, machine, counts, times) around it.
 */
export async function writeStudyRecord(
  outDir: string,
  study: StudyRecordContent,
  provenance: { before: Record<string, unknown>; after: Record<string, unknown> },
): Promise<void> {
  const entries: RecordedExperimentEntry[] = [];
  const taken = new Map<string, string>();
  for (const { name, source, runs } of study.experiments) {
    const snapshot = snapshotPath(name);
    const earlier = taken.get(snapshot);
    if (earlier !== undefined) {
      throw new Error(`report: experiments "${earlier}" and "${name}" would share ${snapshot}`);
    }
    taken.set(snapshot, name);
    entries.push({ name, file: source.file, sha256: sha256Hex(source.text), runs, snapshot });
  }
  const claimsPaths = claimsSnapshotPaths((study.claims ?? []).map(({ file }) => file));
  const claims: RecordedFileEntry[] = (study.claims ?? []).map((source, index) => ({
    file: source.file,
    sha256: sha256Hex(source.text),
    snapshot: claimsPaths[index],
  }));
  const copies = [
    ...study.experiments.map(({ source }, index) => ({ source, entry: entries[index] })),
    ...(study.claims ?? []).map((source, index) => ({ source, entry: claims[index] })),
  ];
  for (const { source, entry } of copies) {
    await writeFileAtomic(join(outDir, ...entry.snapshot.split("/")), source.text);
  }
  await removeStaleSnapshots(outDir, SNAPSHOT_DIR, new Set(taken.keys()));
  await removeStaleSnapshots(outDir, CLAIMS_SNAPSHOT_DIR, new Set(claimsPaths));
  const manifest = {
    ...provenance.before,
    profile: study.profile ?? null,
    overrides: study.overrides.map(({ path, value }) => ({ path, value })),
    experiments: entries,
    ...(study.claims === undefined ? {} : { claims }),
    ...provenance.after,
  };
  await writeFileAtomic(join(outDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
}

/** Removes the `*.json` files in `outDir/folder` that are not in `keep` (paths like `study/x.json`). */
async function removeStaleSnapshots(
  outDir: string,
  folder: string,
  keep: ReadonlySet<string>,
): Promise<void> {
  let entries;
  try {
    entries = await readdir(join(outDir, ...folder.split("/")), { withFileTypes: true });
  } catch (error) {
    if ((error as { code?: string }).code === "ENOENT") return;
    throw error;
  }
  for (const entry of entries) {
    const path = `${folder}/${entry.name}`;
    if (entry.isFile() && entry.name.endsWith(".json") && !keep.has(path)) {
      await rm(join(outDir, ...path.split("/")));
    }
  }
}

/** How a study's file at its recorded path compares with the study's copy. */
export type CurrentFileState = "unchanged" | "changed" | "missing";

/** One file (experiment or claims) of a recorded study. */
export interface RecordedFile {
  /** What the manifest says of it. */
  entry: RecordedFileEntry;
  /** The text the study used (from its copy; from the file itself in an old manifest). */
  source: ExperimentSource;
  /** Where `source` was read from, as a path the user can open. */
  readFrom: string;
  /** The file at its recorded path now. */
  current: CurrentFileState;
}

/** One experiment of a recorded study. */
export interface RecordedExperiment extends RecordedFile {
  /** What the manifest says of it. */
  entry: RecordedExperimentEntry;
}

/** A study as a folder's manifest records it. */
export interface RecordedStudy {
  /** The manifest's path. */
  manifest: string;
  /** The profile (`undefined`: the files as written). */
  profile: string | undefined;
  /** The `--set` overrides, in order. */
  overrides: SettingOverride[];
  /** The experiments, in the study's order. */
  experiments: RecordedExperiment[];
  /** The claims files the report judged, when the manifest lists them (`claims`). */
  claims?: RecordedFile[];
}

const SHA256 = z.string().regex(/^[0-9a-f]{64}$/, { error: "expected 64 lower-case hex digits" });

/** A claims file's entry: claims files were recorded with their copies from the start. */
const fileEntrySchema = z.object({
  file: z.string().min(1),
  sha256: SHA256,
  snapshot: z.string().regex(/^study\/(claims\/)?[^/\\]+\.json$/, {
    error: "expected study/<name>.json",
  }),
});

/**
 * The part of a manifest that defines the study. Its other keys (versions,
 * machine, times) are provenance and are not checked. An experiment's
 * `snapshot` and `runs` are optional: manifests written before the copies
 * were kept lack them.
 */
const studyDefinitionSchema = z.object({
  profile: z.string({ error: "expected a profile name, or null for none" }).min(1).nullable(),
  overrides: z.array(z.strictObject({ path: z.string().min(1), value: z.unknown() })),
  experiments: z.array(z.object({
    name: z.string().min(1),
    file: z.string().min(1),
    sha256: SHA256,
    runs: z.number().int().min(0).optional(),
    snapshot: z.string().regex(/^study\/[^/\\]+\.json$/, {
      error: "expected study/<name>.json",
    }).optional(),
  })).min(1),
  claims: z.array(fileEntrySchema).optional(),
});

/** Reads a file's text, or `undefined` when there is none. */
async function readTextIfPresent(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.IsADirectory) {
      return undefined;
    }
    throw new ConfigError(path, null, `cannot read the file: ${(error as Error).message}`);
  }
}

/**
 * The study `outDir` holds, read from its manifest and copies, or
 * `undefined` when it has no `manifest.json`.
 *
 * A manifest written before the copies were kept names no `snapshot`: its
 * experiments are then read from the files themselves, which must still have
 * the recorded hash.
 *
 * @throws ConfigError (exit code 2) naming the manifest and the field, for a
 *   malformed manifest, a missing copy, a copy whose hash is not the recorded
 *   one, or (old manifests) a file that is missing or changed
 */
export async function readRecordedStudy(outDir: string): Promise<RecordedStudy | undefined> {
  const manifest = join(outDir, MANIFEST_FILE);
  const text = await readTextIfPresent(manifest);
  if (text === undefined) return undefined;
  const document = parseJsonText(text, manifest);
  const parsed = studyDefinitionSchema.safeParse(document, { error: describeExpectation });
  if (!parsed.success) throw configErrorFromIssues(parsed.error.issues, document, manifest);
  const experiments: RecordedExperiment[] = [];
  for (const [index, entry] of parsed.data.experiments.entries()) {
    const recorded = await readRecordedFile(outDir, manifest, ["experiments", index], entry);
    experiments.push({
      ...recorded,
      entry: {
        ...entry,
        runs: entry.runs ?? 0,
        snapshot: entry.snapshot ?? snapshotPath(entry.name),
      },
    });
  }
  const claims: RecordedFile[] = [];
  for (const [index, entry] of (parsed.data.claims ?? []).entries()) {
    claims.push(await readRecordedFile(outDir, manifest, ["claims", index], entry));
  }
  return {
    manifest,
    profile: parsed.data.profile ?? undefined,
    overrides: parsed.data.overrides.map(({ path, value }) => ({ path, value })),
    experiments,
    ...(parsed.data.claims === undefined ? {} : { claims }),
  };
}

/**
 * Reads one recorded file: its copy (which must have the recorded hash),
 * or, when the manifest names no copy, the file itself (which then must),
 * and how the file at its recorded path compares.
 *
 * @param at where the file's entry is in the manifest, for error messages
 */
async function readRecordedFile(
  outDir: string,
  manifest: string,
  at: readonly (string | number)[],
  entry: { file: string; sha256: string; snapshot?: string },
): Promise<RecordedFile> {
  const field = (key: string) => formatJsonPath([...at, key]);
  const currentText = await readTextIfPresent(entry.file);
  const current: CurrentFileState = currentText === undefined
    ? "missing"
    : sha256Hex(currentText) === entry.sha256
    ? "unchanged"
    : "changed";
  if (entry.snapshot === undefined) {
    if (current !== "unchanged") {
      // An old manifest keeps no copy: the file itself must be the one recorded.
      throw new ConfigError(
        manifest,
        field("file"),
        `${entry.file} ${
          current === "missing" ? "does not exist" : "changed since the study was recorded " +
            "(its SHA-256 differs)"
        } and the folder keeps no copy of it; to use the files as they are now, describe the ` +
          "study on the command line (the files, --profile, --set)",
      );
    }
    return {
      entry: { ...entry, snapshot: "" },
      source: { file: entry.file, text: currentText as string },
      readFrom: entry.file,
      current,
    };
  }
  const readFrom = join(outDir, ...entry.snapshot.split("/"));
  const used = await readTextIfPresent(readFrom);
  if (used === undefined) {
    throw new ConfigError(manifest, field("snapshot"), `${readFrom} does not exist`);
  }
  if (sha256Hex(used) !== entry.sha256) {
    throw new ConfigError(
      manifest,
      field("sha256"),
      `${readFrom} is not the file recorded (its SHA-256 differs); the folder was edited`,
    );
  }
  return {
    entry: { ...entry, snapshot: entry.snapshot },
    source: { file: entry.file, text: used, recordedCopy: readFrom },
    readFrom,
    current,
  };
}
