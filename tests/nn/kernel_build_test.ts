import assert from "node:assert/strict";
import { compileKernels, KERNEL_BINARY } from "../../src/nn/wasm/build_kernels.ts";

Deno.test("the committed sparse kernels are a fresh build of their source (run `deno task build:wasm` after editing it)", async () => {
  const fresh = await compileKernels();
  const committed = await Deno.readFile(KERNEL_BINARY);
  assert.equal(committed.length, fresh.length, "sizes differ: the .wasm is stale");
  assert.ok(
    committed.every((byte, index) => byte === fresh[index]),
    "bytes differ: the .wasm is stale",
  );
});

Deno.test("building the sparse kernels twice gives the same bytes", async () => {
  const first = await compileKernels();
  const second = await compileKernels();
  assert.deepEqual(first, second);
});
