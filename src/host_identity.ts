/**
 * Who a process is on a shared file system: its host name, the kernel's boot
 * id and its PID namespace, besides its process id. A process id means
 * something only where all three match: another machine (or this machine
 * after a reboot, or a container with its own PID namespace) may run an
 * unrelated process under the same number, so only there may "that process
 * is gone" be decided by looking in `/proc`.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** The parts that say where a process id is meaningful. */
export interface HostIdentity {
  /** Host name (the UTS name: containers may have their own). */
  host: string;
  /** `/proc/sys/kernel/random/boot_id`: changes at every boot; `unknown` where absent. */
  boot: string;
  /** The PID namespace, e.g. `pid:[4026531836]`; empty where unknown. */
  pidNamespace: string;
}

let cached: HostIdentity | undefined;

function readOrDefault(read: () => string, fallback: string): string {
  try {
    return read().trim();
  } catch {
    return fallback;
  }
}

/** This process's host identity (read once). */
export function hostIdentity(): HostIdentity {
  cached ??= {
    host: readOrDefault(() => Deno.hostname(), "unknown-host"),
    boot: readOrDefault(() => Deno.readTextFileSync("/proc/sys/kernel/random/boot_id"), "unknown"),
    pidNamespace: readOrDefault(() => Deno.readLinkSync("/proc/self/ns/pid"), ""),
  };
  return cached;
}

/** True when `other` is this process's host, boot and PID namespace. */
export function isThisHost(other: HostIdentity): boolean {
  const self = hostIdentity();
  return other.host === self.host && other.boot === self.boot &&
    other.pidNamespace === self.pidNamespace;
}

/**
 * A 12-hex-digit tag of a host identity, short enough for file names
 * (48 bits: two hosts sharing a store collide with negligible probability).
 */
export function hostTag(identity: HostIdentity = hostIdentity()): string {
  return createHash("sha256")
    .update(`${identity.host}\0${identity.boot}\0${identity.pidNamespace}`, "utf8")
    .digest("hex")
    .slice(0, 12);
}
