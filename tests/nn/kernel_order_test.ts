/**
 * The compressed-row kernels take every sum in one documented order, and
 * stored runs depend on it bit for bit: a kernel that is made faster must
 * keep it. These tests run the committed kernels on random layers and
 * compare every output bit with a scalar float32 reference that adds in
 * that order (`Math.fround` after every operation), over batch widths that
 * are and are not multiples of the kernels' tiles and rows of 0 to many
 * kept weights.
 */
import assert from "node:assert/strict";
import { KERNEL_BINARY } from "../../src/nn/wasm/build_kernels.ts";
import { Rng } from "../../src/rng.ts";

const f = Math.fround;

/** The kernels' exports this file calls (see the kernel source for their contracts). */
interface OrderKernels {
  memory: WebAssembly.Memory;
  heapStart(): number;
  zero(target: number, count: number): void;
  forward(...args: [number, number, number, number, number, number, number, number, boolean]): void;
  weightGradient(...args: [number, number, number, number, number, number, number]): void;
  inputGradient(
    ...args: [number, number, number, number, number, number, number, number, number]
  ): void;
}

const kernels = new WebAssembly.Instance(
  new WebAssembly.Module(Deno.readFileSync(KERNEL_BINARY)),
).exports as unknown as OrderKernels;

/** A random compressed-row layer and batch: some rows empty, some dense, values of mixed sign and scale. */
function randomCase(inputs: number, outputs: number, stride: number, seed: string) {
  const rng = new Rng(seed);
  const value = () => (rng.nextFloat() * 2 - 1) * (rng.nextFloat() < 0.2 ? 1e3 : 1);
  const rowStart = new Int32Array(outputs + 1);
  const columns: number[] = [];
  for (let o = 0; o < outputs; o++) {
    rowStart[o] = columns.length;
    const density = [0, 0.02, 0.3, 1][o % 4];
    for (let i = 0; i < inputs; i++) if (rng.nextFloat() < density) columns.push(i);
  }
  rowStart[outputs] = columns.length;
  const sample = (length: number, zeros = 0) =>
    Float32Array.from({ length }, () => rng.nextFloat() < zeros ? 0 : value());
  return {
    inputs,
    outputs,
    stride,
    rowStart,
    column: Int32Array.from(columns),
    values: sample(columns.length),
    bias: sample(outputs),
    input: sample(inputs * stride, 0.3),
    delta: sample(outputs * stride),
    activation: sample(inputs * stride, 0.3),
  };
}
type Case = ReturnType<typeof randomCase>;

/** Copies a case into the kernels' memory; returns the byte offset of each buffer. */
function place(c: Case) {
  let offset = kernels.heapStart();
  const take = (floats: number) => {
    const start = offset;
    offset += Math.ceil(Math.max(floats, 1) / 4) * 16;
    return start;
  };
  const at = {
    rowStart: take(c.outputs + 1),
    column: take(c.column.length),
    values: take(c.values.length),
    bias: take(c.outputs),
    input: take(c.inputs * c.stride),
    delta: take(c.outputs * c.stride),
    activation: take(c.inputs * c.stride),
    output: take(c.outputs * c.stride),
    gradient: take(c.values.length),
    inputDelta: take(c.inputs * c.stride),
  };
  const memory = kernels.memory;
  if (offset > memory.buffer.byteLength) {
    memory.grow(Math.ceil((offset - memory.buffer.byteLength) / 65536));
  }
  new Int32Array(memory.buffer).set(c.rowStart, at.rowStart >> 2);
  new Int32Array(memory.buffer).set(c.column, at.column >> 2);
  const floats = new Float32Array(memory.buffer);
  floats.set(c.values, at.values >> 2);
  floats.set(c.bias, at.bias >> 2);
  floats.set(c.input, at.input >> 2);
  floats.set(c.delta, at.delta >> 2);
  floats.set(c.activation, at.activation >> 2);
  return at;
}

function bitsAt(at: number, count: number): Uint32Array {
  return new Uint32Array(kernels.memory.buffer, at, count).slice();
}

function bitsOf(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer.slice(0));
}

/** Each column: the bias, then the kept inputs in ascending k; then ReLU. */
function referenceForward(c: Case, relu: boolean): Float32Array {
  const output = new Float32Array(c.outputs * c.stride);
  for (let o = 0; o < c.outputs; o++) {
    for (let col = 0; col < c.stride; col++) {
      let sum = c.bias[o];
      for (let k = c.rowStart[o]; k < c.rowStart[o + 1]; k++) {
        sum = f(sum + f(c.values[k] * c.input[c.column[k] * c.stride + col]));
      }
      output[o * c.stride + col] = relu ? Math.max(sum, 0) : sum;
    }
  }
  return output;
}

/**
 * Each kept weight: lane l adds, from +0, (x[t + l] d[t + l] + x[t + 4 + l] d[t + 4 + l])
 * for the 8-column tiles t in batch order, then x d of a last 4-column tile;
 * the lanes as (0 + 1) + (2 + 3).
 */
function referenceWeightGradient(c: Case): Float32Array {
  const gradient = new Float32Array(c.values.length);
  for (let o = 0; o < c.outputs; o++) {
    for (let k = c.rowStart[o]; k < c.rowStart[o + 1]; k++) {
      const x = (col: number) => c.input[c.column[k] * c.stride + col];
      const d = (col: number) => c.delta[o * c.stride + col];
      const lanes = [0, 0, 0, 0];
      let tile = 0;
      for (; tile + 8 <= c.stride; tile += 8) {
        for (let l = 0; l < 4; l++) {
          const pair = f(f(x(tile + l) * d(tile + l)) + f(x(tile + 4 + l) * d(tile + 4 + l)));
          lanes[l] = f(lanes[l] + pair);
        }
      }
      for (; tile < c.stride; tile += 4) {
        for (let l = 0; l < 4; l++) lanes[l] = f(lanes[l] + f(x(tile + l) * d(tile + l)));
      }
      gradient[k] = f(f(lanes[0] + lanes[1]) + f(lanes[2] + lanes[3]));
    }
  }
  return gradient;
}

/** Each input row from +0, adding values[k] delta[o, :] in ascending o; then the ReLU derivative. */
function referenceInputGradient(c: Case): Float32Array {
  const inputDelta = new Float32Array(c.inputs * c.stride);
  for (let o = 0; o < c.outputs; o++) {
    for (let k = c.rowStart[o]; k < c.rowStart[o + 1]; k++) {
      for (let col = 0; col < c.stride; col++) {
        const at = c.column[k] * c.stride + col;
        inputDelta[at] = f(inputDelta[at] + f(c.values[k] * c.delta[o * c.stride + col]));
      }
    }
  }
  return inputDelta.map((value, at) => (c.activation[at] > 0 ? value : 0));
}

/** Batch widths around the kernels' tiles (4, 8, 16, 32 columns). */
const STRIDES = [4, 8, 12, 16, 20, 28, 32, 36, 44, 48, 52, 60, 64, 100, 128];
/** Shapes whose rows hold from 0 to all of their inputs kept. */
const SHAPES: Array<[number, number]> = [[37, 12], [5, 8], [64, 9]];

Deno.test("compressed-row forward: every column's sum in the documented order, bit for bit", () => {
  for (const [inputs, outputs] of SHAPES) {
    for (const stride of STRIDES) {
      const c = randomCase(inputs, outputs, stride, `forward ${inputs} ${outputs} ${stride}`);
      for (const relu of [false, true]) {
        const at = place(c);
        kernels.forward(
          at.rowStart,
          at.column,
          at.values,
          outputs,
          at.bias,
          at.input,
          at.output,
          stride,
          relu,
        );
        assert.deepEqual(
          bitsAt(at.output, outputs * stride),
          bitsOf(referenceForward(c, relu)),
          `forward ${inputs}x${outputs}, batch ${stride}, relu ${relu}`,
        );
      }
    }
  }
});

Deno.test("compressed-row weight gradient: every kept weight's dot product in the documented order, bit for bit", () => {
  for (const [inputs, outputs] of SHAPES) {
    for (const stride of STRIDES) {
      const c = randomCase(inputs, outputs, stride, `weights ${inputs} ${outputs} ${stride}`);
      const at = place(c);
      kernels.weightGradient(
        at.rowStart,
        at.column,
        outputs,
        at.input,
        at.delta,
        stride,
        at.gradient,
      );
      assert.deepEqual(
        bitsAt(at.gradient, c.values.length),
        bitsOf(referenceWeightGradient(c)),
        `weight gradient ${inputs}x${outputs}, batch ${stride}`,
      );
    }
  }
});

Deno.test("compressed-row input gradient: every input row's contributions in ascending output order, bit for bit", () => {
  for (const [inputs, outputs] of SHAPES) {
    for (const stride of STRIDES) {
      const c = randomCase(inputs, outputs, stride, `inputs ${inputs} ${outputs} ${stride}`);
      const at = place(c);
      kernels.zero(at.inputDelta, inputs * stride);
      kernels.inputGradient(
        at.rowStart,
        at.column,
        at.values,
        outputs,
        at.delta,
        at.inputDelta,
        inputs,
        at.activation,
        stride,
      );
      assert.deepEqual(
        bitsAt(at.inputDelta, inputs * stride),
        bitsOf(referenceInputGradient(c)),
        `input gradient ${inputs}x${outputs}, batch ${stride}`,
      );
    }
  }
});
