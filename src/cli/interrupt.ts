/** Ctrl-C handling for long commands. @module */

/**
 * How long after the first Ctrl-C another signal counts as the same one.
 * Under `deno task`, a Ctrl-C reaches the command twice: the terminal sends
 * it to the whole process group, and `deno task` forwards its own copy a few
 * milliseconds later. Taking that copy for a second Ctrl-C would exit at once
 * and lose the summary; a person pressing Ctrl-C again to stop at once takes
 * longer than this.
 */
export const REPEAT_WINDOW_MS = 1000;

/**
 * An AbortSignal that fires on the first SIGINT or SIGTERM, so a sweep stops
 * cleanly (finished runs are already stored) and the command prints its
 * summary; another Ctrl-C more than {@link REPEAT_WINDOW_MS} later exits at
 * once.
 */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  let firstAt = 0;
  const handler = () => {
    if (controller.signal.aborted) {
      if (performance.now() - firstAt >= REPEAT_WINDOW_MS) Deno.exit(130);
      return;
    }
    firstAt = performance.now();
    console.error(
      "\nstopping: finished runs are kept; run the same command again to resume " +
        "(Ctrl-C again to stop at once)",
    );
    controller.abort();
  };
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  for (const name of signals) Deno.addSignalListener(name, handler);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const name of signals) Deno.removeSignalListener(name, handler);
    },
  };
}
