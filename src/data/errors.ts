/**
 * The error type of the data layer.
 *
 * @module
 */

/**
 * A problem with input data the user supplied or must supply: a missing
 * dataset, a corrupt or truncated file, a checksum mismatch. Its message is
 * complete on its own (it names the file and what was wrong), so the CLI
 * prints the message alone, without a stack trace, and exits with
 * {@link DataError.exitCode}.
 */
export class DataError extends Error {
  /** Process exit status for bad input (see DESIGN.md, "Exit codes and errors"). */
  readonly exitCode = 2;

  /** Creates a data error with a self-contained, user-facing message. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DataError";
  }
}
