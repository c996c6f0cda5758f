import assert from "node:assert/strict";
import { initBackend } from "../../src/nn/backend.ts";
import * as tf from "../../src/nn/tf.ts";

// Each test file runs in its own isolate, so replacing backends here touches no other test.

Deno.test("initBackend: a backend that cannot start is an error that names it", async () => {
  tf.registerBackend("unstartable", () => {
    throw new Error("this backend cannot start");
  });
  await assert.rejects(
    () => initBackend("unstartable" as never),
    (error: Error) => {
      assert.equal(error.message, 'could not initialise the tfjs "unstartable" backend');
      return true;
    },
  );
});

Deno.test("initBackend: when the WASM backend cannot start, the error names where its files were looked for", async () => {
  // Stands in for a missing .wasm binary: the registered WASM factory fails to start.
  tf.removeBackend("wasm");
  tf.registerBackend("wasm", () => {
    throw new Error("no .wasm binary");
  });
  const directory = decodeURIComponent(
    new URL("../../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url).pathname,
  );
  await assert.rejects(
    () => initBackend("wasm"),
    (error: Error) => {
      assert.equal(
        error.message,
        `could not initialise the tfjs "wasm" backend (looked for its .wasm files in ${directory})`,
      );
      return true;
    },
  );
  // The failed start left nothing recorded as initialised: the cpu backend still starts.
  assert.deepEqual(await initBackend("cpu"), { backend: "cpu", tfjsVersion: tf.TFJS_VERSION });
  assert.equal(tf.getBackend(), "cpu");
});
