/** Ctrl-C handling for long commands. @module */

/**
 * An AbortSignal that fires on the first SIGINT or SIGTERM, so a sweep stops
 * cleanly (finished runs are already stored); a second Ctrl-C exits at once.
 */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) Deno.exit(130);
    console.error("\nstopping: finished runs are kept; run the same command again to resume");
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
