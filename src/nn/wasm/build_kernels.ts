/**
 * Builds the sparse engine's WebAssembly kernels from their AssemblyScript
 * source (`sparse_kernels.ts` beside this file), in memory, with a fixed
 * compiler version and fixed options, so that the same source always gives
 * the same bytes. `deno task build:wasm` writes the result to
 * `sparse_kernels.wasm` (committed); a test compares a fresh build with the
 * committed file.
 *
 * @module
 */
import asc from "assemblyscript/asc";

/** The kernel source, the committed build, and this builder. */
export const KERNEL_SOURCE = new URL("./sparse_kernels.ts", import.meta.url);
/** Where the committed build lives. */
export const KERNEL_BINARY = new URL("./sparse_kernels.wasm", import.meta.url);

/**
 * Compiler options: optimised (-O3), no garbage-collected runtime (the
 * kernels allocate nothing), no assertions, SIMD on.
 */
const COMPILER_OPTIONS = ["-O3", "--runtime", "stub", "--noAssert", "--enable", "simd"];

/** Compiles the kernel source and returns the `.wasm` bytes; throws with the compiler's messages on error. */
export async function compileKernels(): Promise<Uint8Array> {
  const source = await Deno.readTextFile(KERNEL_SOURCE);
  let binary: Uint8Array | undefined;
  const messages: string[] = [];
  const stream = { write: (text: string | Uint8Array) => messages.push(String(text)) };
  const { error } = await asc.main(
    ["sparse_kernels.ts", ...COMPILER_OPTIONS, "--outFile", "sparse_kernels.wasm"],
    {
      stdout: stream,
      stderr: stream,
      readFile: (name: string) => (name === "sparse_kernels.ts" ? source : null),
      writeFile: (name: string, contents: Uint8Array | string) => {
        if (name === "sparse_kernels.wasm" && typeof contents !== "string") binary = contents;
      },
      listFiles: () => [],
    },
  );
  if (error !== null || binary === undefined) {
    throw new Error(
      `compiling ${KERNEL_SOURCE.pathname} failed: ${error?.message ?? "no binary"}\n${
        messages.join("")
      }`,
    );
  }
  return binary;
}

if (import.meta.main) {
  const binary = await compileKernels();
  await Deno.writeFile(KERNEL_BINARY, binary);
  console.log(`wrote ${KERNEL_BINARY.pathname} (${binary.length} bytes)`);
}
