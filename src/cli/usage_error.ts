/** The error for a malformed command line. @module */

/** A mistake on the command line: printed alone, exit code 2. */
export class UsageError extends Error {
  /** Bad input. */
  readonly exitCode = 2;
  /** Creates a usage error with a one-line message. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
