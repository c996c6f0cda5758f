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

/** Width assumed when the terminal's cannot be read (a log, a pipe). */
export const DEFAULT_WIDTH = 80;

/** Widest progress bar drawn. */
const BAR_WIDTH = 24;

/** Narrowest progress bar worth drawing; below it the bar is left out. */
const MIN_BAR_WIDTH = 8;

/** Characters of the running runs' descriptions kept before the bar shrinks. */
const MIN_RUNNING_WIDTH = 20;

/**
 * Columns of the terminal stderr writes to: `Deno.consoleSize()` when it is a
 * terminal, {@link DEFAULT_WIDTH} otherwise or when the size cannot be read.
 */
export function terminalWidth(): number {
  if (!Deno.stderr.isTerminal()) return DEFAULT_WIDTH;
  try {
    const { columns } = Deno.consoleSize();
    return columns > 0 ? columns : DEFAULT_WIDTH;
  } catch {
    return DEFAULT_WIDTH;
  }
}

/** `text` cut to `width` characters, ending in "…" when cut. */
function truncate(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 0 ? "" : `${text.slice(0, width - 1)}…`;
}

/** What the progress line shows. */
export interface ProgressState {
  /** Runs done (stored before the sweep, or finished since). */
  done: number;
  /** Runs in the sweep. */
  total: number;
  /** The `[done/total runs, elapsed, ~left]` summary. */
  summary: string;
  /** Descriptions of the runs in progress. */
  running: readonly string[];
}

/**
 * The redrawn progress line, at most `width - 1` characters (a line that
 * fills the last column wraps on some terminals, and a wrapped line cannot
 * be redrawn): the bar, the summary, then as much of the running runs'
 * descriptions as fits. When space is short the descriptions are cut first,
 * then the bar shrinks and goes, and the summary is cut last.
 */
export function formatProgressLine(state: ProgressState, width: number): string {
  const available = Math.max(1, width - 1);
  const running = state.running.join(" | ");
  const wanted = running === "" ? 0 : MIN_RUNNING_WIDTH + 1;
  let barWidth = Math.min(BAR_WIDTH, available - state.summary.length - 1 - wanted);
  if (barWidth < MIN_BAR_WIDTH) barWidth = 0;
  const filled = state.total === 0 ? barWidth : Math.round(barWidth * state.done / state.total);
  const bar = barWidth === 0 ? "" : "#".repeat(filled) + ".".repeat(barWidth - filled) + " ";
  let line = truncate(bar + state.summary, available);
  const left = available - line.length - 1;
  if (running !== "" && left >= 4) line += ` ${truncate(running, left)}`;
  return line;
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
    // Read at every redraw: the terminal may have been resized.
    const line = formatProgressLine({
      done: this.#done,
      total: this.#total,
      summary: this.#summary(),
      running: [...this.#running.values()],
    }, terminalWidth());
    this.#write(`\r\x1b[2K${line}${final ? "\n" : ""}`);
  }

  #write(text: string): void {
    Deno.stderr.writeSync(new TextEncoder().encode(text));
  }
}
