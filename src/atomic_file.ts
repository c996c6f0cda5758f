/**
 * Writing a file so that a reader (or a later run after a crash) sees either
 * the old content or the new, never a partial file: write a sibling
 * temporary file, flush it to disk, then rename it over the target.
 *
 * The temporary's name carries the writer's host tag and process id
 * (`.<name>.<host tag>.<pid>.<random>.tmp`, see host_identity.ts), so that
 * after a crash (SIGKILL, power loss) {@link removeStaleTemporaryFiles} can
 * delete the leftovers of dead writers without touching those of a live
 * process sharing the directory, on this host or on another one sharing the
 * file system.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { hostTag } from "./host_identity.ts";
import { leaseExpired, leaseSeconds } from "./lease.ts";

/**
 * `.<target name>.<12 hex host tag>.<pid>.<8 hex>.tmp`: the name of a temporary
 * {@link writeFileAtomic} creates.
 */
const TEMPORARY_NAME = /^\..+\.([0-9a-f]{12})\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/** The name of a temporary written by an earlier version: no host tag. */
const UNTAGGED_TEMPORARY_NAME = /^\..+\.\d+\.[0-9a-f]{8}\.tmp$/;

/** The name {@link writeFileAtomic} gives the temporary of `target` written by process `pid` of the host `tag`. */
export function temporaryName(target: string, tag: string, pid: number, suffix: string): string {
  return `.${basename(target)}.${tag}.${pid}.${suffix}.tmp`;
}

/**
 * Writes `content` to `path` atomically, creating parent directories.
 *
 * @throws Error whose one-line message names `path` and the reason (e.g. no
 *   space left on the device, a read-only file system); the original error is
 *   its `cause`. The target keeps its old content and no temporary remains.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const suffix = crypto.randomUUID().slice(0, 8);
  const temporary = join(dirname(path), temporaryName(path, hostTag(), Deno.pid, suffix));
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
 * when its process died between creating and renaming them: those of this
 * host whose process is gone, and any (another host's, or an earlier
 * version's without a host tag) not modified for the lease
 * (`leaseSecondsOverride`, else lease.ts's setting). Temporaries of live
 * writers, here or on another host, are kept. Returns the names removed. A
 * missing directory has none.
 */
export async function removeStaleTemporaryFiles(
  directory: string,
  leaseSecondsOverride?: number,
): Promise<string[]> {
  const lease = leaseSeconds(leaseSecondsOverride);
  const ownTag = hostTag();
  const removed: string[] = [];
  try {
    for await (const entry of Deno.readDir(directory)) {
      if (!entry.isFile) continue;
      const match = TEMPORARY_NAME.exec(entry.name);
      if (match === null && !UNTAGGED_TEMPORARY_NAME.test(entry.name)) continue;
      const path = join(directory, entry.name);
      const deadHere = match !== null && match[1] === ownTag && !processIsAlive(Number(match[2]));
      if (!deadHere) {
        const modified = await Deno.stat(path).then((info) => info.mtime, () => undefined);
        // Gone already (renamed into place by its writer), or still within its lease.
        if (modified === undefined || !leaseExpired(modified, lease)) continue;
      }
      await Deno.remove(path).catch(() => {});
      removed.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return removed;
    throw error;
  }
  return removed;
}
