/**
 * Claim files: `<runId>.claim` says which process computes a run, on a file
 * system that several hosts may share (NFS-like).
 *
 * A claim is one line of JSON: the owner's host identity (host name, boot
 * id, PID namespace), its process id, a random token and its lease in
 * seconds. It is created exclusively (`O_CREAT|O_EXCL`, atomic on local file
 * systems and on NFS v3 and later), and its owner refreshes its modification
 * time while the run computes. A claim is stale, and may be taken over, only
 *
 * - when its lease expired: not modified for the lease it names (or, when it
 *   cannot be read, for the reader's lease); or
 * - when it comes from this host, boot and PID namespace and its process is
 *   gone (then waiting for the lease is pointless).
 *
 * A live process on another host is never judged by this host's `/proc`.
 *
 * Taking over is safe against two hosts judging the same claim stale at once:
 * the stale claim is first renamed to a name of the taker's own (only one
 * rename of it can succeed), then checked to be the very claim judged stale
 * (same text, still expired); a fresh claim renamed by mistake is put back.
 *
 * @module
 */
import { type HostIdentity, hostIdentity, isThisHost } from "../host_identity.ts";
import { leaseExpired } from "../lease.ts";
import { processIsAlive } from "../atomic_file.ts";

/** What a claim file holds. */
export interface ClaimRecord extends HostIdentity {
  /** The owner's process id (in its PID namespace). */
  pid: number;
  /** Random, different for every claim: tells a claim from a later one of the same process. */
  token: string;
  /** The owner's lease: the claim is abandoned when not refreshed for this long. */
  leaseSeconds: number;
}

/** A claim as read: its text, its parsed record (when well formed) and when it was last refreshed. */
export interface ObservedClaim {
  /** The file's text. */
  text: string;
  /** The record, or `undefined` when the text is not a well-formed claim (e.g. empty). */
  record?: ClaimRecord;
  /** Modification time: the owner's last refresh. */
  modified: Date | null;
}

/** A new claim record for this process. */
export function newClaimRecord(leaseSeconds: number): ClaimRecord {
  return {
    ...hostIdentity(),
    pid: Deno.pid,
    token: crypto.randomUUID(),
    leaseSeconds,
  };
}

/** Parses a claim's text; `undefined` when it is not a well-formed claim. */
export function parseClaim(text: string): ClaimRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const record = value as Partial<ClaimRecord> | null;
  if (
    record === null || typeof record !== "object" ||
    typeof record.host !== "string" || typeof record.boot !== "string" ||
    typeof record.pidNamespace !== "string" || typeof record.token !== "string" ||
    !Number.isInteger(record.pid) || !(typeof record.leaseSeconds === "number" &&
      Number.isFinite(record.leaseSeconds) && record.leaseSeconds > 0)
  ) {
    return undefined;
  }
  return record as ClaimRecord;
}

/** Reads the claim at `path`; `undefined` when there is none. */
export async function observeClaim(path: string): Promise<ObservedClaim | undefined> {
  try {
    const [text, info] = await Promise.all([Deno.readTextFile(path), Deno.stat(path)]);
    return { text, record: parseClaim(text), modified: info.mtime };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Whether an observed claim may be taken over: its lease (its own, or
 * `readerLeaseSeconds` for a claim that cannot be read) expired, or it is
 * this host's and its process is gone.
 */
export function claimIsStale(
  claim: ObservedClaim,
  readerLeaseSeconds: number,
  now = Date.now(),
): boolean {
  const record = claim.record;
  if (record !== undefined && isThisHost(record) && !processIsAlive(record.pid)) return true;
  return leaseExpired(claim.modified, record?.leaseSeconds ?? readerLeaseSeconds, now);
}

/**
 * Creates the claim file exclusively with `record`; false when a claim
 * exists. A claim that cannot be written completely (disk full) is removed
 * again, so it never outlives the error.
 *
 * @throws Error naming the file when it cannot be created for another reason.
 */
export async function createClaim(path: string, record: ClaimRecord): Promise<boolean> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { write: true, createNew: true });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    throw claimError(path, error);
  }
  try {
    const bytes = new TextEncoder().encode(JSON.stringify(record) + "\n");
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
  } catch (error) {
    file.close();
    await Deno.remove(path).catch(() => {});
    throw claimError(path, error);
  }
  file.close();
  return true;
}

function claimError(path: string, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(`${path}: cannot claim the run (${reason})`, { cause: error });
}

/**
 * Removes the stale claim `observed` at `path`, and only it: a claim its
 * owner refreshed, or a new claim created since it was observed, stays.
 * Returns true when the observed claim is gone (removed here or by another).
 */
export async function removeStaleClaim(
  path: string,
  observed: ObservedClaim,
  readerLeaseSeconds: number,
): Promise<boolean> {
  const aside = `${path}.stale-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.rename(path, aside);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return true;
    throw error;
  }
  const moved = await observeClaim(aside);
  if (
    moved !== undefined && moved.text === observed.text && claimIsStale(moved, readerLeaseSeconds)
  ) {
    await Deno.remove(aside).catch(() => {});
    return true;
  }
  // Another claim (or a refreshed one) was moved: put it back unless a newer one took its place.
  try {
    await Deno.link(aside, path);
  } catch {
    // A claim exists at `path` again: the moved one is superseded.
  }
  await Deno.remove(aside).catch(() => {});
  return false;
}

/**
 * Refreshes this process's claim `record` at `path` (sets its modification
 * time to now). Returns false when the claim is no longer this one's (taken
 * over after its lease expired, or removed).
 */
export async function refreshClaim(path: string, record: ClaimRecord): Promise<boolean> {
  const current = await observeClaim(path).catch(() => undefined);
  if (current?.record?.token !== record.token) return false;
  const now = new Date();
  try {
    await Deno.utime(path, now, now);
    return true;
  } catch {
    return false;
  }
}
