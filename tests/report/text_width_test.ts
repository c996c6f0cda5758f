import assert from "node:assert/strict";
import { estimateTextWidth, vegaTextWidth } from "../../src/report/text_width.ts";

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} vs ${expected}`);

Deno.test("text widths sum Helvetica's advance widths, 20% wider, per character", () => {
  // Hand-computed from the table: i = 222, l = 222, W = 944, space = 278, ~ = 584 (1/1000 em).
  close(estimateTextWidth("il", 10), (444 / 1000) * 10 * 1.2);
  close(estimateTextWidth("W ~", 12), ((944 + 278 + 584) / 1000) * 12 * 1.2);
  // A narrow label is estimated narrower than a wide one of the same length (vega's own guess
  // gives both 0.8 em per character).
  assert.ok(estimateTextWidth("iiii", 12) < estimateTextWidth("MMMM", 12) / 3);
  // Outside ASCII: 600, and bold is 8% wider.
  close(estimateTextWidth("\u00b1", 10), 0.6 * 10 * 1.2);
  close(estimateTextWidth("il", 10, true), (444 / 1000) * 10 * 1.2 * 1.08);
});

Deno.test("vega's width hook: the item's font size (11 by default), bold, at most its limit", () => {
  close(vegaTextWidth({}, "il"), (444 / 1000) * 11 * 1.2);
  close(
    vegaTextWidth({ fontSize: 20, fontWeight: "bold" }, " il "),
    (444 / 1000) * 20 * 1.2 * 1.08,
  );
  close(vegaTextWidth({ fontSize: 10, limit: 3 }, "il"), 3);
  close(vegaTextWidth({ fontSize: 10 }, null), 0);
});
