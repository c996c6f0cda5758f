/**
 * The benchmark's peak memory is the kernel's high-water mark, not the
 * resident set at the moment it is read.
 *
 * @module
 */
import assert from "node:assert/strict";
import { peakResidentBytes } from "../../src/runner/benchmark.ts";

Deno.test("peakResidentBytes: reads VmHWM (kB) from a /proc status text, not VmRSS", () => {
  const status = "Name:\tdeno\nVmPeak:\t 9000000 kB\nVmHWM:\t  524288 kB\nVmRSS:\t  131072 kB\n";
  // 524288 kB * 1024 = 512 MiB, four times the resident set now (VmRSS).
  assert.equal(peakResidentBytes(status), 512 * 1048576);
});

Deno.test("peakResidentBytes: without a VmHWM line it falls back to the resident set now", () => {
  const now = Deno.memoryUsage().rss;
  const read = peakResidentBytes("Name:\tdeno\n");
  // The resident set moves between the two reads; a tenth of it bounds that here.
  assert.ok(Math.abs(read - now) < now / 10, `${read} vs ${now}`);
});

Deno.test({
  name: "peakResidentBytes: on Linux the high-water mark is at least the resident set now",
  ignore: Deno.build.os !== "linux",
  fn: () => {
    const before = peakResidentBytes();
    // Touch 64 MiB so that the peak must rise above it, then let it go.
    let block: Uint8Array | null = new Uint8Array(64 * 1048576).fill(1);
    assert.equal(block[block.length - 1], 1);
    block = null;
    assert.ok(peakResidentBytes() >= Deno.memoryUsage().rss);
    assert.ok(peakResidentBytes() >= before);
  },
});
