/**
 * Writing a file so that a reader (or a later run after a crash) sees either
 * the old content or the new, never a partial file: write a sibling
 * temporary file, flush it to disk, then rename it over the target.
 *
 * The temporary's name carries the writer's process id
 * (`.<name>.<pid>.<random>.tmp`), so that after a crash (SIGKILL, power loss)
 * {@link removeStaleTemporaryFiles} can delete the leftovers of dead writers
 * without touching those of a live process sharing the directory.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";

/** `.<target name>.<pid>.<8 hex>.tmp`: the name of a temporary {@link writeFileAtomic} creates. */
const TEMPORARY_NAME = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * Writes `content` to `path` atomically, creating parent directories.
 *
 * @throws Error whose one-line message names `path` and the reason (e.g. no
 *   space left on the device, a read-only file system); the original error is
 *   its `cause`. The target keeps its old content and no temporary remains.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const suffix = crypto.randomUUID().slice(0, 8);
  const temporary = join(dirname(path), `.${basename(path)}.${Deno.pid}.${suffix}.tmp`);
  try {
    await Deno.mkdir(dirname(path), { recursive: true });
    const file = await Deno.open(temporary, { write: true, createNew: true });
    try {
      const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${path}: cannot write (${reason.replace(/\s*\n\s*/g, " ")})`, {
      cause: error,
    });
  }
}

/**
 * Whether a process with this id exists (Linux: /proc; elsewhere assume it
 * does). Deno lets only `--allow-all` read /proc, which is why the tasks run
 * with it: without it every process would look alive and a dead sweep's
 * claims would never be taken over.
 */
export function processIsAlive(pid: number): boolean {
  if (pid === Deno.pid) return true;
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    return true;
  }
}

/**
 * Deletes, in `directory`, the temporaries that {@link writeFileAtomic} left
 * when its process died between creating and renaming them. Temporaries of
 * live processes (another sweep writing into the same store) are kept.
 * Returns the names removed. A missing directory has none.
 */
export async function removeStaleTemporaryFiles(directory: string): Promise<string[]> {
  const removed: string[] = [];
  try {
    for await (const entry of Deno.readDir(directory)) {
      const match = TEMPORARY_NAME.exec(entry.name);
      if (!entry.isFile || match === null || processIsAlive(Number(match[1]))) continue;
      await Deno.remove(join(directory, entry.name)).catch(() => {});
      removed.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return removed;
    throw error;
  }
  return removed;
}
