/**
 * The sweep's progress line on stderr: runs done of total, the runs in
 * progress and an estimate of the time left. On a terminal it redraws one
 * line; otherwise it prints a line per finished run, so logs stay readable.
 *
 * @module
 */

/** Formats seconds as `1h02m`, `3m05s` or `42s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  if (hours > 0) return `${hours}h${String(minutes).padStart(2, "0")}m`;
  if (minutes > 0) return `${minutes}m${String(rest).padStart(2, "0")}s`;
  return `${rest}s`;
}

/** A progress display for a sweep. */
export class ProgressDisplay {
  readonly #total: number;
  readonly #started = performance.now();
  readonly #terminal: boolean;
  readonly #quiet: boolean;
  #done = 0;
  #computed = 0;
  #running = new Map<number, string>();

  /** Starts a display for `total` runs, of which `alreadyDone` were in the store. */
  constructor(total: number, alreadyDone: number, options: { quiet?: boolean } = {}) {
    this.#total = total;
    this.#done = alreadyDone;
    this.#quiet = options.quiet ?? false;
    this.#terminal = Deno.stderr.isTerminal();
  }

  /** Marks a run as started by a worker. */
  start(worker: number, description: string): void {
    this.#running.set(worker, description);
    this.#draw(false);
  }

  /** Marks a worker's run as finished. */
  finish(worker: number, description: string, outcome: string): void {
    this.#running.delete(worker);
    this.#done++;
    this.#computed++;
    if (!this.#terminal && !this.#quiet) {
      this.#write(`${this.#summary()} finished ${description}: ${outcome}\n`);
    }
    this.#draw(false);
  }

  /** Ends the display (moves past the redrawn line). */
  close(): void {
    this.#draw(true);
  }

  #summary(): string {
    const elapsed = (performance.now() - this.#started) / 1000;
    const left = this.#total - this.#done;
    const eta = this.#computed > 0 ? formatDuration(elapsed / this.#computed * left) : "?";
    return `[${this.#done}/${this.#total} runs, ${formatDuration(elapsed)} elapsed, ~${eta} left]`;
  }

  #draw(final: boolean): void {
    if (this.#quiet || !this.#terminal) return;
    const width = 24;
    const filled = this.#total === 0 ? width : Math.round(width * this.#done / this.#total);
    const bar = "#".repeat(filled) + ".".repeat(width - filled);
    const running = [...this.#running.values()].join(" | ");
    const line = `${bar} ${this.#summary()} ${running}`.slice(0, 160);
    this.#write(`\r\x1b[2K${line}${final ? "\n" : ""}`);
  }

  #write(text: string): void {
    Deno.stderr.writeSync(new TextEncoder().encode(text));
  }
}
