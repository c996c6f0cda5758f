/**
 * Leases: how long a file that marks a live process's work (a run's claim, a
 * temporary file being written) is honoured by other hosts without being
 * refreshed. A process on another host cannot be looked up, so its marks are
 * taken to be abandoned only once their modification time is older than the
 * lease; the owner refreshes a claim every quarter lease while its run
 * computes.
 *
 * Hosts sharing a store compare modification times with their own clocks:
 * their clocks must agree to well within the lease (NTP does).
 *
 * @module
 */

/** Lease in seconds when neither an option nor the environment sets one. */
export const DEFAULT_LEASE_SECONDS = 60;

/** The environment variable that sets the lease (seconds, positive). */
export const LEASE_ENVIRONMENT_VARIABLE = "PRUNING_LEASE_SECONDS";

/**
 * The lease to use: `explicit` when given, else the environment variable,
 * else {@link DEFAULT_LEASE_SECONDS}.
 *
 * @throws Error (exit code 2) naming the variable when it is not a positive number.
 */
export function leaseSeconds(explicit?: number): number {
  if (explicit !== undefined) {
    if (!(Number.isFinite(explicit) && explicit > 0)) {
      throw Object.assign(
        new Error(`lease must be a positive number of seconds, got ${explicit}`),
        {
          exitCode: 2,
        },
      );
    }
    return explicit;
  }
  let text: string | undefined;
  try {
    text = Deno.env.get(LEASE_ENVIRONMENT_VARIABLE);
  } catch {
    // No permission to read the environment: the default applies.
    text = undefined;
  }
  if (text === undefined || text.trim() === "") return DEFAULT_LEASE_SECONDS;
  const value = Number(text);
  if (!(Number.isFinite(value) && value > 0)) {
    throw Object.assign(
      new Error(
        `${LEASE_ENVIRONMENT_VARIABLE}: expected a positive number of seconds, got "${text}"`,
      ),
      { exitCode: 2 },
    );
  }
  return value;
}

/** True when a mark last modified at `modified` is older than `seconds` at `now`. */
export function leaseExpired(modified: Date | null, seconds: number, now = Date.now()): boolean {
  // A file system without modification times cannot show a live mark: treat it as expired.
  if (modified === null) return true;
  return now - modified.getTime() > seconds * 1000;
}
