/** The errors the command line ends with before a command runs. @module */

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

/**
 * Thrown once `--help` has been printed: the command stops there with exit
 * code 0 and nothing more is printed.
 */
export class HelpShown extends Error {
  /** Asking for help is a success. */
  readonly exitCode = 0;
  /** Creates the marker. */
  constructor() {
    super("help shown");
    this.name = "HelpShown";
  }
}
