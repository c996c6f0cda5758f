/** Version of the harness, recorded in every result and manifest. @module */

/** The harness's own version; bump it when a change can alter results. */
export const TOOL_VERSION = "0.1.0";
