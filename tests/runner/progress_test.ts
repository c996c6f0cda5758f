/** The progress line fits the terminal: hand-computed lines at several widths. */
import assert from "node:assert/strict";
import {
  DEFAULT_WIDTH,
  formatProgressLine,
  type ProgressState,
  terminalWidth,
} from "../../src/runner/progress.ts";

// 35 characters.
const SUMMARY = "[3/10 runs, 12s elapsed, ~40s left]";
// 66 characters once joined with " | ".
const RUNNING = ["smoke/random s=0.5 seed=1", "smoke/kstarts+dissipating s=0.9 seed=2"];
const STATE: ProgressState = { done: 3, total: 10, summary: SUMMARY, running: RUNNING };

Deno.test("progress: a wide terminal shows the 24-wide bar, the summary and every running run", () => {
  // round(24 * 3 / 10) = 7 of 24 filled.
  assert.equal(
    formatProgressLine(STATE, 200),
    `${"#".repeat(7)}${".".repeat(17)} ${SUMMARY} ${RUNNING.join(" | ")}`,
  );
});

Deno.test("progress: on 80 columns the line is 79 long: the bar shrinks, the running runs are cut", () => {
  // 79 - 35 (summary) - 1 - 21 (room for 20 characters of runs) = 22 columns of bar,
  // round(22 * 0.3) = 7 filled; 79 - 23 - 35 - 1 = 20 characters of runs, the last an ellipsis.
  const line = formatProgressLine(STATE, 80);
  assert.equal(line, `${"#".repeat(7)}${".".repeat(15)} ${SUMMARY} smoke/random s=0.5 …`);
  assert.equal(line.length, 79);
});

Deno.test("progress: narrow terminals drop the bar, then the runs, then cut the summary", () => {
  // No room for a bar of 8 and 20 characters of runs; 3 columns left are too few for runs.
  assert.equal(formatProgressLine(STATE, 40), SUMMARY);
  assert.equal(formatProgressLine(STATE, 20), "[3/10 runs, 12s el…");
  // With nothing running, the whole width goes to the bar.
  assert.equal(
    formatProgressLine({ ...STATE, running: [] }, 80),
    `${"#".repeat(7)}${".".repeat(17)} ${SUMMARY}`,
  );
  for (let width = 1; width <= 160; width++) {
    const line = formatProgressLine(STATE, width);
    assert.ok(line.length <= Math.max(1, width - 1), `width ${width}: ${line.length}`);
  }
});

Deno.test("progress: the width is the terminal's, or 80 when stderr is not a terminal", () => {
  const expected = Deno.stderr.isTerminal() ? Deno.consoleSize().columns : DEFAULT_WIDTH;
  assert.equal(terminalWidth(), expected);
  assert.equal(DEFAULT_WIDTH, 80);
});
