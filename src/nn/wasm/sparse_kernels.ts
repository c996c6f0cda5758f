// Sparse kernels of the training engine, in AssemblyScript (compiled to
// WebAssembly with SIMD by `deno task build:wasm`; the build is committed as
// sparse_kernels.wasm beside this file). Not TypeScript for Deno: deno.json
// excludes this file from fmt, lint and check.
//
// Conventions, shared with sparse_engine.ts:
// - All pointers are byte offsets into the module's own memory; the host
//   lays the buffers out from heapStart(), 16-byte aligned. No allocation
//   happens here.
// - Activations are feature-major: a layer's input is [features, stride],
//   row r at `input + r * stride * 4`, where stride (the padded batch) is a
//   multiple of 4 (the f32x4 width). Columns past the real batch hold
//   zeros in every gradient, so they add nothing to any weight gradient.
// - A layer's kept weights are in CSR by output unit: for output o, the kept
//   entries are k in [rowStart[o], rowStart[o + 1]), weight values[k] from
//   input column[k]. The kernel index order is fixed, so every sum is taken
//   in the same order on every run.

/**
 * The first byte the host may use: below it lie the compiler's static data
 * (e.g. the tables of Math.exp). Rounded up to 16 bytes.
 */
export function heapStart(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

/** Fills `count` floats at `target` with zero (count a multiple of 4). */
export function zero(target: usize, count: i32): void {
  const zeros = f32x4.splat(0);
  for (let index = 0; index < count; index += 4) {
    v128.store(target + (<usize>index << 2), zeros);
  }
}

/**
 * Copies a row-major [rows, features] block into feature-major
 * [features, stride] and zeroes the padding columns rows..stride. Blocks of
 * 4 rows x 4 features are transposed in registers (four loads, eight
 * shuffles, four stores); the leftover rows and features one by one.
 */
export function transposeIn(
  source: usize,
  target: usize,
  rows: i32,
  features: i32,
  stride: i32,
): void {
  const sourceRow = <usize>features << 2;
  const targetRow = <usize>stride << 2;
  const blockRows = rows & ~3;
  const blockFeatures = features & ~3;
  for (let row = 0; row < blockRows; row += 4) {
    const from = source + <usize>row * sourceRow;
    const to = target + (<usize>row << 2);
    for (let feature = 0; feature < blockFeatures; feature += 4) {
      const at = from + (<usize>feature << 2);
      const row0 = v128.load(at);
      const row1 = v128.load(at + sourceRow);
      const row2 = v128.load(at + 2 * sourceRow);
      const row3 = v128.load(at + 3 * sourceRow);
      const low01 = v128.shuffle<f32>(row0, row1, 0, 4, 1, 5);
      const high01 = v128.shuffle<f32>(row0, row1, 2, 6, 3, 7);
      const low23 = v128.shuffle<f32>(row2, row3, 0, 4, 1, 5);
      const high23 = v128.shuffle<f32>(row2, row3, 2, 6, 3, 7);
      const place = to + <usize>feature * targetRow;
      v128.store(place, v128.shuffle<f32>(low01, low23, 0, 1, 4, 5));
      v128.store(place + targetRow, v128.shuffle<f32>(low01, low23, 2, 3, 6, 7));
      v128.store(place + 2 * targetRow, v128.shuffle<f32>(high01, high23, 0, 1, 4, 5));
      v128.store(place + 3 * targetRow, v128.shuffle<f32>(high01, high23, 2, 3, 6, 7));
    }
    for (let feature = blockFeatures; feature < features; feature++) {
      for (let each = row; each < row + 4; each++) {
        store<f32>(
          target + <usize>feature * targetRow + (<usize>each << 2),
          load<f32>(source + <usize>each * sourceRow + (<usize>feature << 2)),
        );
      }
    }
  }
  for (let feature = 0; feature < features; feature++) {
    const to = target + <usize>feature * targetRow;
    for (let row = blockRows; row < rows; row++) {
      store<f32>(to + (<usize>row << 2), load<f32>(source + <usize>row * sourceRow + (<usize>feature << 2)));
    }
    for (let row = rows; row < stride; row++) store<f32>(to + (<usize>row << 2), 0);
  }
}

/**
 * output[o, :] = bias[o] + sum_k values[k] * input[column[k], :], then ReLU
 * when `relu` is set. Tiles of 32 batch columns keep eight accumulators in
 * registers while the kept weights of a row stream past (then one tile of
 * 16 and tiles of 4 for the rest of the batch), so a kept weight's value and
 * column are loaded once per 32 columns. Each column's sum is the same
 * whatever the tile width: the bias, then the kept inputs in ascending k.
 */
export function forward(
  rowStart: usize,
  column: usize,
  values: usize,
  outputs: i32,
  bias: usize,
  input: usize,
  output: usize,
  stride: i32,
  relu: bool,
): void {
  const rowBytes = <usize>stride << 2;
  const zeros = f32x4.splat(0);
  for (let o = 0; o < outputs; o++) {
    const first = <usize>load<i32>(rowStart + (<usize>o << 2)) << 2;
    const last = <usize>load<i32>(rowStart + (<usize>(o + 1) << 2)) << 2;
    const start = f32x4.splat(load<f32>(bias + (<usize>o << 2)));
    const outputRow = output + <usize>o * rowBytes;
    let tile = 0;
    for (; tile + 32 <= stride; tile += 32) {
      let sum0 = start;
      let sum1 = start;
      let sum2 = start;
      let sum3 = start;
      let sum4 = start;
      let sum5 = start;
      let sum6 = start;
      let sum7 = start;
      const tileInput = input + (<usize>tile << 2);
      let k = first;
      for (; k + 8 <= last; k += 8) {
        const weight = f32x4.splat(load<f32>(values + k));
        const row = tileInput + <usize>load<i32>(column + k) * rowBytes;
        const next = f32x4.splat(load<f32>(values + k, 4));
        const nextRow = tileInput + <usize>load<i32>(column + k, 4) * rowBytes;
        sum0 = f32x4.add(f32x4.add(sum0, f32x4.mul(weight, v128.load(row))), f32x4.mul(next, v128.load(nextRow)));
        sum1 = f32x4.add(f32x4.add(sum1, f32x4.mul(weight, v128.load(row, 16))), f32x4.mul(next, v128.load(nextRow, 16)));
        sum2 = f32x4.add(f32x4.add(sum2, f32x4.mul(weight, v128.load(row, 32))), f32x4.mul(next, v128.load(nextRow, 32)));
        sum3 = f32x4.add(f32x4.add(sum3, f32x4.mul(weight, v128.load(row, 48))), f32x4.mul(next, v128.load(nextRow, 48)));
        sum4 = f32x4.add(f32x4.add(sum4, f32x4.mul(weight, v128.load(row, 64))), f32x4.mul(next, v128.load(nextRow, 64)));
        sum5 = f32x4.add(f32x4.add(sum5, f32x4.mul(weight, v128.load(row, 80))), f32x4.mul(next, v128.load(nextRow, 80)));
        sum6 = f32x4.add(f32x4.add(sum6, f32x4.mul(weight, v128.load(row, 96))), f32x4.mul(next, v128.load(nextRow, 96)));
        sum7 = f32x4.add(f32x4.add(sum7, f32x4.mul(weight, v128.load(row, 112))), f32x4.mul(next, v128.load(nextRow, 112)));
      }
      if (k < last) {
        const weight = f32x4.splat(load<f32>(values + k));
        const row = tileInput + <usize>load<i32>(column + k) * rowBytes;
        sum0 = f32x4.add(sum0, f32x4.mul(weight, v128.load(row)));
        sum1 = f32x4.add(sum1, f32x4.mul(weight, v128.load(row, 16)));
        sum2 = f32x4.add(sum2, f32x4.mul(weight, v128.load(row, 32)));
        sum3 = f32x4.add(sum3, f32x4.mul(weight, v128.load(row, 48)));
        sum4 = f32x4.add(sum4, f32x4.mul(weight, v128.load(row, 64)));
        sum5 = f32x4.add(sum5, f32x4.mul(weight, v128.load(row, 80)));
        sum6 = f32x4.add(sum6, f32x4.mul(weight, v128.load(row, 96)));
        sum7 = f32x4.add(sum7, f32x4.mul(weight, v128.load(row, 112)));
      }
      if (relu) {
        sum0 = f32x4.max(sum0, zeros);
        sum1 = f32x4.max(sum1, zeros);
        sum2 = f32x4.max(sum2, zeros);
        sum3 = f32x4.max(sum3, zeros);
        sum4 = f32x4.max(sum4, zeros);
        sum5 = f32x4.max(sum5, zeros);
        sum6 = f32x4.max(sum6, zeros);
        sum7 = f32x4.max(sum7, zeros);
      }
      const place = outputRow + (<usize>tile << 2);
      v128.store(place, sum0);
      v128.store(place, sum1, 16);
      v128.store(place, sum2, 32);
      v128.store(place, sum3, 48);
      v128.store(place, sum4, 64);
      v128.store(place, sum5, 80);
      v128.store(place, sum6, 96);
      v128.store(place, sum7, 112);
    }
    if (tile + 16 <= stride) {
      let sum0 = start;
      let sum1 = start;
      let sum2 = start;
      let sum3 = start;
      const tileInput = input + (<usize>tile << 2);
      for (let k = first; k < last; k += 4) {
        const weight = f32x4.splat(load<f32>(values + k));
        const row = tileInput + <usize>load<i32>(column + k) * rowBytes;
        sum0 = f32x4.add(sum0, f32x4.mul(weight, v128.load(row)));
        sum1 = f32x4.add(sum1, f32x4.mul(weight, v128.load(row, 16)));
        sum2 = f32x4.add(sum2, f32x4.mul(weight, v128.load(row, 32)));
        sum3 = f32x4.add(sum3, f32x4.mul(weight, v128.load(row, 48)));
      }
      if (relu) {
        sum0 = f32x4.max(sum0, zeros);
        sum1 = f32x4.max(sum1, zeros);
        sum2 = f32x4.max(sum2, zeros);
        sum3 = f32x4.max(sum3, zeros);
      }
      const place = outputRow + (<usize>tile << 2);
      v128.store(place, sum0);
      v128.store(place, sum1, 16);
      v128.store(place, sum2, 32);
      v128.store(place, sum3, 48);
      tile += 16;
    }
    for (; tile < stride; tile += 4) {
      let sum = start;
      const tileInput = input + (<usize>tile << 2);
      for (let k = first; k < last; k += 4) {
        const weight = f32x4.splat(load<f32>(values + k));
        sum = f32x4.add(sum, f32x4.mul(weight, v128.load(tileInput + <usize>load<i32>(column + k) * rowBytes)));
      }
      if (relu) sum = f32x4.max(sum, zeros);
      v128.store(outputRow + (<usize>tile << 2), sum);
    }
  }
}

/**
 * Softmax cross-entropy of logits [outputs, stride] against targets of the
 * same layout, averaged over the first `rows` columns. Writes the gradient
 * with respect to the logits into `delta` (zero in the padding columns) and
 * returns the summed loss (the host divides by the batch). Computed per
 * column in f64, as the loss is a sum of small differences.
 */
export function softmaxCrossEntropy(
  logits: usize,
  targets: usize,
  outputs: i32,
  stride: i32,
  rows: i32,
  delta: usize,
): f64 {
  const rowBytes = <usize>stride << 2;
  let total: f64 = 0;
  const scale: f64 = 1 / <f64>rows;
  for (let row = 0; row < rows; row++) {
    const at = <usize>row << 2;
    let largest: f64 = -Infinity;
    for (let o = 0; o < outputs; o++) {
      const value = <f64>load<f32>(logits + <usize>o * rowBytes + at);
      if (value > largest) largest = value;
    }
    let sum: f64 = 0;
    for (let o = 0; o < outputs; o++) {
      sum += Math.exp(<f64>load<f32>(logits + <usize>o * rowBytes + at) - largest);
    }
    const logSum = largest + Math.log(sum);
    for (let o = 0; o < outputs; o++) {
      const place = <usize>o * rowBytes + at;
      const logProbability = <f64>load<f32>(logits + place) - logSum;
      const target = <f64>load<f32>(targets + place);
      total -= target * logProbability;
      store<f32>(delta + place, <f32>((Math.exp(logProbability) - target) * scale));
    }
  }
  for (let o = 0; o < outputs; o++) {
    for (let row = rows; row < stride; row++) {
      store<f32>(delta + <usize>o * rowBytes + (<usize>row << 2), 0);
    }
  }
  return total;
}

/**
 * The f32 constants of {@link sigmoidSquaredError}'s e^x, each in four lanes,
 * 16 bytes apart: the clamp bounds 88 and -87, log2(e), ln(2) in a high and
 * a low part, the six coefficients of the Cephes expf polynomial, 1, and
 * 1.5 * 2^23 (adding it to a float of magnitude below 2^22 rounds that to an
 * integer, to nearest with ties to even, as `f32x4.nearest` does). Read from
 * memory rather than written as literals: a 16-byte vector literal is
 * rebuilt by the engine's compiler inside the loop at every use, while a
 * vector loaded once before the loop stays in a register.
 */
const EXP_CONSTANTS = memory.data<f32>([
  88, 88, 88, 88,
  -87, -87, -87, -87,
  1.44269504088896341, 1.44269504088896341, 1.44269504088896341, 1.44269504088896341,
  0.693359375, 0.693359375, 0.693359375, 0.693359375,
  -2.12194440e-4, -2.12194440e-4, -2.12194440e-4, -2.12194440e-4,
  1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4, 1.9875691500e-4,
  1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3, 1.3981999507e-3,
  8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3, 8.3334519073e-3,
  4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2, 4.1665795894e-2,
  1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1, 1.6666665459e-1,
  5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1, 5.0000001201e-1,
  1, 1, 1, 1,
  12582912, 12582912, 12582912, 12582912,
], 16);

/**
 * The bits of 1.5 * 2^23 less the exponent bias 127, in four lanes: the bits
 * of 1.5 * 2^23 + n less these are n + 127, the biased exponent of 2^n.
 */
const EXPONENT_OFFSET = memory.data<i32>([
  0x4b400000 - 127, 0x4b400000 - 127, 0x4b400000 - 127, 0x4b400000 - 127,
], 16);

/**
 * Mean squared error of sigmoid(z) against targets, both [outputs, stride],
 * over the first `rows` columns. Writes d loss / d z into `delta` (zero in
 * the padding) and returns the summed squared error. Four columns at a time;
 * padding columns are masked out of both the loss and the gradient.
 *
 * sigmoid(z) = 1 / (1 + e^-z), with e^x for four floats: x clamped to
 * [-87, 88] (where 2^n below stays a normal float), x = n ln 2 + r with
 * |r| <= ln(2)/2, e^r by the Cephes expf polynomial (about 1 ulp), 2^n built
 * in the exponent bits. The clamp is `pmin`/`pmax` (one instruction each;
 * `min`/`max` cost about seven, for NaN and signed-zero rules that cannot
 * matter against the bounds 88 and -87), and n is rounded and converted with
 * the 1.5 * 2^23 shift instead of `nearest` and `trunc_sat` (exact in
 * this range). For every input that is not NaN this gives the same bits as
 * those operations; a NaN input gives a NaN either way (with possibly other
 * payload bits), in a loss that is NaN and so a diverged run.
 */
export function sigmoidSquaredError(
  preActivation: usize,
  targets: usize,
  outputs: i32,
  stride: i32,
  rows: i32,
  delta: usize,
): f64 {
  const rowBytes = <usize>stride << 2;
  const scale = f32x4.splat(<f32>(2 / (<f64>rows * <f64>outputs)));
  const largest = v128.load(EXP_CONSTANTS);
  const smallest = v128.load(EXP_CONSTANTS, 16);
  const log2e = v128.load(EXP_CONSTANTS, 32);
  const ln2High = v128.load(EXP_CONSTANTS, 48);
  const ln2Low = v128.load(EXP_CONSTANTS, 64);
  const p0 = v128.load(EXP_CONSTANTS, 80);
  const p1 = v128.load(EXP_CONSTANTS, 96);
  const p2 = v128.load(EXP_CONSTANTS, 112);
  const p3 = v128.load(EXP_CONSTANTS, 128);
  const p4 = v128.load(EXP_CONSTANTS, 144);
  const p5 = v128.load(EXP_CONSTANTS, 160);
  const ones = v128.load(EXP_CONSTANTS, 176);
  const shift = v128.load(EXP_CONSTANTS, 192);
  const exponentOffset = v128.load(EXPONENT_OFFSET);
  const lanes = i32x4(0, 1, 2, 3);
  const batch = i32x4.splat(rows);
  let total: f64 = 0;
  for (let o = 0; o < outputs; o++) {
    const rowOffset = <usize>o * rowBytes;
    let rowTotal = f32x4.splat(0);
    for (let column = 0; column < stride; column += 4) {
      const place = rowOffset + (<usize>column << 2);
      const inBatch = i32x4.lt_s(i32x4.add(lanes, i32x4.splat(column)), batch);
      // e^x for x = -z.
      const x = f32x4.neg(v128.load(preActivation + place));
      const clamped = f32x4.pmax(f32x4.pmin(x, largest), smallest);
      const shifted = f32x4.add(f32x4.mul(clamped, log2e), shift);
      const n = f32x4.sub(shifted, shift);
      const r = f32x4.sub(f32x4.sub(clamped, f32x4.mul(n, ln2High)), f32x4.mul(n, ln2Low));
      let p = p0;
      p = f32x4.add(f32x4.mul(p, r), p1);
      p = f32x4.add(f32x4.mul(p, r), p2);
      p = f32x4.add(f32x4.mul(p, r), p3);
      p = f32x4.add(f32x4.mul(p, r), p4);
      p = f32x4.add(f32x4.mul(p, r), p5);
      const expR = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), ones);
      const power = i32x4.shl(i32x4.sub(shifted, exponentOffset), 23);
      const output = f32x4.div(ones, f32x4.add(ones, f32x4.mul(expR, power)));
      const difference = v128.and(f32x4.sub(output, v128.load(targets + place)), inBatch);
      rowTotal = f32x4.add(rowTotal, f32x4.mul(difference, difference));
      v128.store(
        delta + place,
        f32x4.mul(f32x4.mul(difference, f32x4.mul(output, f32x4.sub(ones, output))), scale),
      );
    }
    total += <f64>(
      (f32x4.extract_lane(rowTotal, 0) + f32x4.extract_lane(rowTotal, 1)) +
      (f32x4.extract_lane(rowTotal, 2) + f32x4.extract_lane(rowTotal, 3))
    );
  }
  return total;
}

/**
 * gradient[k] = sum over the batch of input[column[k], :] * delta[o, :]: the
 * weight gradient at kept positions only, one dot product per kept weight.
 * Each dot product adds its 8-column tiles in batch order into one vector,
 * then the lanes as (0 + 1) + (2 + 3). Four kept weights of a row are
 * computed side by side (four independent sums sharing each load of the
 * row's delta), which changes no weight's order and hides the latency of
 * its chain of adds; a row's last kept weights one at a time.
 */
export function weightGradient(
  rowStart: usize,
  column: usize,
  outputs: i32,
  input: usize,
  delta: usize,
  stride: i32,
  gradient: usize,
): void {
  const rowBytes = <usize>stride << 2;
  const even = <usize>(stride & ~7) << 2;
  const end = <usize>stride << 2;
  for (let o = 0; o < outputs; o++) {
    const first = <usize>load<i32>(rowStart + (<usize>o << 2)) << 2;
    const last = <usize>load<i32>(rowStart + (<usize>(o + 1) << 2)) << 2;
    const deltaRow = delta + <usize>o * rowBytes;
    let k = first;
    for (; k + 32 <= last; k += 32) {
      const row0 = input + <usize>load<i32>(column + k) * rowBytes;
      const row1 = input + <usize>load<i32>(column + k, 4) * rowBytes;
      const row2 = input + <usize>load<i32>(column + k, 8) * rowBytes;
      const row3 = input + <usize>load<i32>(column + k, 12) * rowBytes;
      const row4 = input + <usize>load<i32>(column + k, 16) * rowBytes;
      const row5 = input + <usize>load<i32>(column + k, 20) * rowBytes;
      const row6 = input + <usize>load<i32>(column + k, 24) * rowBytes;
      const row7 = input + <usize>load<i32>(column + k, 28) * rowBytes;
      let sum0 = f32x4.splat(0);
      let sum1 = sum0;
      let sum2 = sum0;
      let sum3 = sum0;
      let sum4 = sum0;
      let sum5 = sum0;
      let sum6 = sum0;
      let sum7 = sum0;
      let offset: usize = 0;
      for (; offset < even; offset += 32) {
        const d0 = v128.load(deltaRow + offset);
        const d1 = v128.load(deltaRow + offset, 16);
        sum0 = f32x4.add(sum0, f32x4.add(f32x4.mul(v128.load(row0 + offset), d0), f32x4.mul(v128.load(row0 + offset, 16), d1)));
        sum1 = f32x4.add(sum1, f32x4.add(f32x4.mul(v128.load(row1 + offset), d0), f32x4.mul(v128.load(row1 + offset, 16), d1)));
        sum2 = f32x4.add(sum2, f32x4.add(f32x4.mul(v128.load(row2 + offset), d0), f32x4.mul(v128.load(row2 + offset, 16), d1)));
        sum3 = f32x4.add(sum3, f32x4.add(f32x4.mul(v128.load(row3 + offset), d0), f32x4.mul(v128.load(row3 + offset, 16), d1)));
        sum4 = f32x4.add(sum4, f32x4.add(f32x4.mul(v128.load(row4 + offset), d0), f32x4.mul(v128.load(row4 + offset, 16), d1)));
        sum5 = f32x4.add(sum5, f32x4.add(f32x4.mul(v128.load(row5 + offset), d0), f32x4.mul(v128.load(row5 + offset, 16), d1)));
        sum6 = f32x4.add(sum6, f32x4.add(f32x4.mul(v128.load(row6 + offset), d0), f32x4.mul(v128.load(row6 + offset, 16), d1)));
        sum7 = f32x4.add(sum7, f32x4.add(f32x4.mul(v128.load(row7 + offset), d0), f32x4.mul(v128.load(row7 + offset, 16), d1)));
      }
      if (offset < end) {
        const d0 = v128.load(deltaRow + offset);
        sum0 = f32x4.add(sum0, f32x4.mul(v128.load(row0 + offset), d0));
        sum1 = f32x4.add(sum1, f32x4.mul(v128.load(row1 + offset), d0));
        sum2 = f32x4.add(sum2, f32x4.mul(v128.load(row2 + offset), d0));
        sum3 = f32x4.add(sum3, f32x4.mul(v128.load(row3 + offset), d0));
        sum4 = f32x4.add(sum4, f32x4.mul(v128.load(row4 + offset), d0));
        sum5 = f32x4.add(sum5, f32x4.mul(v128.load(row5 + offset), d0));
        sum6 = f32x4.add(sum6, f32x4.mul(v128.load(row6 + offset), d0));
        sum7 = f32x4.add(sum7, f32x4.mul(v128.load(row7 + offset), d0));
      }
      v128.store(gradient + k, laneSums(sum0, sum1, sum2, sum3));
      v128.store(gradient + k, laneSums(sum4, sum5, sum6, sum7), 16);
    }
    if (k + 16 <= last) {
      const row0 = input + <usize>load<i32>(column + k) * rowBytes;
      const row1 = input + <usize>load<i32>(column + k, 4) * rowBytes;
      const row2 = input + <usize>load<i32>(column + k, 8) * rowBytes;
      const row3 = input + <usize>load<i32>(column + k, 12) * rowBytes;
      let sum0 = f32x4.splat(0);
      let sum1 = sum0;
      let sum2 = sum0;
      let sum3 = sum0;
      let offset: usize = 0;
      for (; offset < even; offset += 32) {
        const d0 = v128.load(deltaRow + offset);
        const d1 = v128.load(deltaRow + offset, 16);
        sum0 = f32x4.add(sum0, f32x4.add(
          f32x4.mul(v128.load(row0 + offset), d0),
          f32x4.mul(v128.load(row0 + offset, 16), d1),
        ));
        sum1 = f32x4.add(sum1, f32x4.add(
          f32x4.mul(v128.load(row1 + offset), d0),
          f32x4.mul(v128.load(row1 + offset, 16), d1),
        ));
        sum2 = f32x4.add(sum2, f32x4.add(
          f32x4.mul(v128.load(row2 + offset), d0),
          f32x4.mul(v128.load(row2 + offset, 16), d1),
        ));
        sum3 = f32x4.add(sum3, f32x4.add(
          f32x4.mul(v128.load(row3 + offset), d0),
          f32x4.mul(v128.load(row3 + offset, 16), d1),
        ));
      }
      if (offset < end) {
        const d0 = v128.load(deltaRow + offset);
        sum0 = f32x4.add(sum0, f32x4.mul(v128.load(row0 + offset), d0));
        sum1 = f32x4.add(sum1, f32x4.mul(v128.load(row1 + offset), d0));
        sum2 = f32x4.add(sum2, f32x4.mul(v128.load(row2 + offset), d0));
        sum3 = f32x4.add(sum3, f32x4.mul(v128.load(row3 + offset), d0));
      }
      v128.store(gradient + k, laneSums(sum0, sum1, sum2, sum3));
      k += 16;
    }
    if (k + 8 <= last) {
      const row0 = input + <usize>load<i32>(column + k) * rowBytes;
      const row1 = input + <usize>load<i32>(column + k, 4) * rowBytes;
      let sum0 = f32x4.splat(0);
      let sum1 = sum0;
      let offset: usize = 0;
      for (; offset < even; offset += 32) {
        const d0 = v128.load(deltaRow + offset);
        const d1 = v128.load(deltaRow + offset, 16);
        sum0 = f32x4.add(sum0, f32x4.add(f32x4.mul(v128.load(row0 + offset), d0), f32x4.mul(v128.load(row0 + offset, 16), d1)));
        sum1 = f32x4.add(sum1, f32x4.add(f32x4.mul(v128.load(row1 + offset), d0), f32x4.mul(v128.load(row1 + offset, 16), d1)));
      }
      if (offset < end) {
        const d0 = v128.load(deltaRow + offset);
        sum0 = f32x4.add(sum0, f32x4.mul(v128.load(row0 + offset), d0));
        sum1 = f32x4.add(sum1, f32x4.mul(v128.load(row1 + offset), d0));
      }
      store<f32>(gradient + k, laneSum(sum0));
      store<f32>(gradient + k, laneSum(sum1), 4);
      k += 8;
    }
    for (; k < last; k += 4) {
      store<f32>(
        gradient + k,
        batchDot(input + <usize>load<i32>(column + k) * rowBytes, deltaRow, stride),
      );
    }
  }
}

/** gradient[o] = sum over the batch of delta[o, :] (padding columns are zero). */
export function biasGradient(delta: usize, outputs: i32, stride: i32, gradient: usize): void {
  const rowBytes = <usize>stride << 2;
  for (let o = 0; o < outputs; o++) {
    const deltaRow = delta + <usize>o * rowBytes;
    let sum = f32x4.splat(0);
    for (let tile = 0; tile < stride; tile += 4) {
      sum = f32x4.add(sum, v128.load(deltaRow + (<usize>tile << 2)));
    }
    store<f32>(
      gradient + (<usize>o << 2),
      (f32x4.extract_lane(sum, 0) + f32x4.extract_lane(sum, 1)) +
        (f32x4.extract_lane(sum, 2) + f32x4.extract_lane(sum, 3)),
    );
  }
}

/**
 * inputDelta[column[k], :] += values[k] * delta[o, :] for every kept weight,
 * then inputDelta *= (activation > 0) (the ReLU of the layer below). The
 * host zeroes inputDelta first. Tiles of 32 columns keep delta[o, tile] in
 * registers across the row's kept weights (then one of 16, then tiles of
 * 4); every input row receives its contributions in ascending o whatever
 * the tile width.
 */
export function inputGradient(
  rowStart: usize,
  column: usize,
  values: usize,
  outputs: i32,
  delta: usize,
  inputDelta: usize,
  inputs: i32,
  activation: usize,
  stride: i32,
): void {
  const rowBytes = <usize>stride << 2;
  for (let o = 0; o < outputs; o++) {
    const first = <usize>load<i32>(rowStart + (<usize>o << 2)) << 2;
    const last = <usize>load<i32>(rowStart + (<usize>(o + 1) << 2)) << 2;
    if (first === last) continue;
    const deltaRow = delta + <usize>o * rowBytes;
    let tile = 0;
    for (; tile + 32 <= stride; tile += 32) {
      const offset = <usize>tile << 2;
      const delta0 = v128.load(deltaRow + offset);
      const delta1 = v128.load(deltaRow + offset, 16);
      const delta2 = v128.load(deltaRow + offset, 32);
      const delta3 = v128.load(deltaRow + offset, 48);
      const delta4 = v128.load(deltaRow + offset, 64);
      const delta5 = v128.load(deltaRow + offset, 80);
      const delta6 = v128.load(deltaRow + offset, 96);
      const delta7 = v128.load(deltaRow + offset, 112);
      const tileDelta = inputDelta + offset;
      let k = first;
      for (; k + 8 <= last; k += 8) {
        const weight = f32x4.splat(load<f32>(values + k));
        const row = tileDelta + <usize>load<i32>(column + k) * rowBytes;
        const next = f32x4.splat(load<f32>(values + k, 4));
        const nextRow = tileDelta + <usize>load<i32>(column + k, 4) * rowBytes;
        v128.store(row, f32x4.add(v128.load(row), f32x4.mul(weight, delta0)));
        v128.store(row, f32x4.add(v128.load(row, 16), f32x4.mul(weight, delta1)), 16);
        v128.store(row, f32x4.add(v128.load(row, 32), f32x4.mul(weight, delta2)), 32);
        v128.store(row, f32x4.add(v128.load(row, 48), f32x4.mul(weight, delta3)), 48);
        v128.store(row, f32x4.add(v128.load(row, 64), f32x4.mul(weight, delta4)), 64);
        v128.store(row, f32x4.add(v128.load(row, 80), f32x4.mul(weight, delta5)), 80);
        v128.store(row, f32x4.add(v128.load(row, 96), f32x4.mul(weight, delta6)), 96);
        v128.store(row, f32x4.add(v128.load(row, 112), f32x4.mul(weight, delta7)), 112);
        v128.store(nextRow, f32x4.add(v128.load(nextRow), f32x4.mul(next, delta0)));
        v128.store(nextRow, f32x4.add(v128.load(nextRow, 16), f32x4.mul(next, delta1)), 16);
        v128.store(nextRow, f32x4.add(v128.load(nextRow, 32), f32x4.mul(next, delta2)), 32);
        v128.store(nextRow, f32x4.add(v128.load(nextRow, 48), f32x4.mul(next, delta3)), 48);
        v128.store(nextRow, f32x4.add(v128.load(nextRow, 64), f32x4.mul(next, delta4)), 64);
        v128.store(nextRow, f32x4.add(v128.load(nextRow, 80), f32x4.mul(next, delta5)), 80);
        v128.store(nextRow, f32x4.add(v128.load(nextRow, 96), f32x4.mul(next, delta6)), 96);
        v128.store(nextRow, f32x4.add(v128.load(nextRow, 112), f32x4.mul(next, delta7)), 112);
      }
      if (k < last) {
        const weight = f32x4.splat(load<f32>(values + k));
        const row = tileDelta + <usize>load<i32>(column + k) * rowBytes;
        v128.store(row, f32x4.add(v128.load(row), f32x4.mul(weight, delta0)));
        v128.store(row, f32x4.add(v128.load(row, 16), f32x4.mul(weight, delta1)), 16);
        v128.store(row, f32x4.add(v128.load(row, 32), f32x4.mul(weight, delta2)), 32);
        v128.store(row, f32x4.add(v128.load(row, 48), f32x4.mul(weight, delta3)), 48);
        v128.store(row, f32x4.add(v128.load(row, 64), f32x4.mul(weight, delta4)), 64);
        v128.store(row, f32x4.add(v128.load(row, 80), f32x4.mul(weight, delta5)), 80);
        v128.store(row, f32x4.add(v128.load(row, 96), f32x4.mul(weight, delta6)), 96);
        v128.store(row, f32x4.add(v128.load(row, 112), f32x4.mul(weight, delta7)), 112);
      }
    }
    if (tile + 16 <= stride) {
      const offset = <usize>tile << 2;
      const delta0 = v128.load(deltaRow + offset);
      const delta1 = v128.load(deltaRow + offset, 16);
      const delta2 = v128.load(deltaRow + offset, 32);
      const delta3 = v128.load(deltaRow + offset, 48);
      const tileDelta = inputDelta + offset;
      for (let k = first; k < last; k += 4) {
        const weight = f32x4.splat(load<f32>(values + k));
        const row = tileDelta + <usize>load<i32>(column + k) * rowBytes;
        v128.store(row, f32x4.add(v128.load(row), f32x4.mul(weight, delta0)));
        v128.store(row, f32x4.add(v128.load(row, 16), f32x4.mul(weight, delta1)), 16);
        v128.store(row, f32x4.add(v128.load(row, 32), f32x4.mul(weight, delta2)), 32);
        v128.store(row, f32x4.add(v128.load(row, 48), f32x4.mul(weight, delta3)), 48);
      }
      tile += 16;
    }
    for (; tile < stride; tile += 4) {
      const offset = <usize>tile << 2;
      const deltaVector = v128.load(deltaRow + offset);
      const tileDelta = inputDelta + offset;
      for (let k = first; k < last; k += 4) {
        const weight = f32x4.splat(load<f32>(values + k));
        const row = tileDelta + <usize>load<i32>(column + k) * rowBytes;
        v128.store(row, f32x4.add(v128.load(row), f32x4.mul(weight, deltaVector)));
      }
    }
  }
  // ReLU's derivative: pass the gradient where the activation was positive.
  const zeros = f32x4.splat(0);
  const count = inputs * stride;
  for (let index = 0; index < count; index += 4) {
    const at = <usize>index << 2;
    const positive = f32x4.gt(v128.load(activation + at), zeros);
    v128.store(inputDelta + at, v128.and(v128.load(inputDelta + at), positive));
  }
}

/**
 * One Adam step over `count` parameters (a multiple of 4; the host pads with
 * entries whose gradient and state are zero, which stay zero):
 * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * p -= stepSize m / (sqrt(v) rootCorrection + epsilon).
 */
export function adam(
  parameters: usize,
  gradients: usize,
  first: usize,
  second: usize,
  count: i32,
  stepSize: f32,
  rootCorrection: f32,
  beta1: f32,
  beta2: f32,
  epsilon: f32,
): void {
  const b1 = f32x4.splat(beta1);
  const b2 = f32x4.splat(beta2);
  const c1 = f32x4.splat(1 - beta1);
  const c2 = f32x4.splat(1 - beta2);
  const step = f32x4.splat(stepSize);
  const root = f32x4.splat(rootCorrection);
  const eps = f32x4.splat(epsilon);
  for (let index = 0; index < count; index += 4) {
    const at = <usize>index << 2;
    const g = v128.load(gradients + at);
    const m = f32x4.add(f32x4.mul(b1, v128.load(first + at)), f32x4.mul(c1, g));
    const v = f32x4.add(f32x4.mul(b2, v128.load(second + at)), f32x4.mul(c2, f32x4.mul(g, g)));
    v128.store(first + at, m);
    v128.store(second + at, v);
    const denominator = f32x4.add(f32x4.mul(f32x4.sqrt(v), root), eps);
    v128.store(
      parameters + at,
      f32x4.sub(v128.load(parameters + at), f32x4.div(f32x4.mul(step, m), denominator)),
    );
  }
}

/** One SGD-with-momentum step: v = momentum v + g; p -= learningRate v. */
export function sgd(
  parameters: usize,
  gradients: usize,
  velocity: usize,
  count: i32,
  learningRate: f32,
  momentum: f32,
): void {
  const rate = f32x4.splat(learningRate);
  const keep = f32x4.splat(momentum);
  for (let index = 0; index < count; index += 4) {
    const at = <usize>index << 2;
    const next = f32x4.add(f32x4.mul(keep, v128.load(velocity + at)), v128.load(gradients + at));
    v128.store(velocity + at, next);
    v128.store(parameters + at, f32x4.sub(v128.load(parameters + at), f32x4.mul(rate, next)));
  }
}

// Dense layers. A layer whose masks keep most of its weights is cheaper as a
// dense block than as compressed rows: no column indices, and each input row
// is loaded once for four outputs. The weights stay in the host layout
// [inputs, outputs] (row i holds input i's weights to every output), pruned
// entries exactly +0, and `mask` holds one u32 per weight (all ones where
// kept). Every sum is taken in the same order as the compressed-row kernels
// above: the forward product from the bias over the inputs in ascending
// order, the input gradient from +0 over the outputs in ascending order, the
// weight gradient over batch tiles of 8 and the lanes as (0+1)+(2+3). A
// pruned weight adds a product 0 * x = +-0, which leaves a sum unchanged when
// x is finite, so a layer gives the same bits in either layout. Where x is
// not finite (0 * inf is NaN) the host calls the masked variants instead,
// which skip pruned weights as the compressed rows do.

/** True when the `count` floats at `values` (count a multiple of 4) are all finite. */
export function allFinite(values: usize, count: i32): bool {
  // x - x is 0 for a finite x and NaN for an infinite or NaN one.
  let sum = f32x4.splat(0);
  for (let index = 0; index < count; index += 4) {
    const x = v128.load(values + (<usize>index << 2));
    sum = f32x4.add(sum, f32x4.sub(x, x));
  }
  return f32x4.extract_lane(sum, 0) == 0 && f32x4.extract_lane(sum, 1) == 0 &&
    f32x4.extract_lane(sum, 2) == 0 && f32x4.extract_lane(sum, 3) == 0;
}

/**
 * output[o, :] = bias[o] + sum_i values[i, o] * input[i, :], then ReLU when
 * `relu` is set. Blocks of 4 outputs x 8 batch columns keep eight
 * accumulators while the inputs stream past; each input row is loaded once
 * per block and each weight vector once per 8 columns.
 */
export function denseForward(
  values: usize,
  inputs: i32,
  outputs: i32,
  bias: usize,
  input: usize,
  output: usize,
  stride: i32,
  relu: bool,
): void {
  const rowBytes = <usize>stride << 2;
  const weightRow = <usize>outputs << 2;
  const zeros = f32x4.splat(0);
  const blockOutputs = outputs & ~3;
  let o = 0;
  for (; o < blockOutputs; o += 4) {
    const biasVector = v128.load(bias + (<usize>o << 2));
    const start0 = f32x4.splat(f32x4.extract_lane(biasVector, 0));
    const start1 = f32x4.splat(f32x4.extract_lane(biasVector, 1));
    const start2 = f32x4.splat(f32x4.extract_lane(biasVector, 2));
    const start3 = f32x4.splat(f32x4.extract_lane(biasVector, 3));
    const weights = values + (<usize>o << 2);
    let tile = 0;
    for (; tile + 8 <= stride; tile += 8) {
      const offset = <usize>tile << 2;
      let a0 = start0;
      let b0 = start0;
      let a1 = start1;
      let b1 = start1;
      let a2 = start2;
      let b2 = start2;
      let a3 = start3;
      let b3 = start3;
      let row = input + offset;
      let weight = weights;
      for (let i = 0; i < inputs; i++) {
        const x0 = v128.load(row);
        const x1 = v128.load(row, 16);
        const w = v128.load(weight);
        const w0 = v128.shuffle<f32>(w, w, 0, 0, 0, 0);
        const w1 = v128.shuffle<f32>(w, w, 1, 1, 1, 1);
        const w2 = v128.shuffle<f32>(w, w, 2, 2, 2, 2);
        const w3 = v128.shuffle<f32>(w, w, 3, 3, 3, 3);
        a0 = f32x4.add(a0, f32x4.mul(w0, x0));
        b0 = f32x4.add(b0, f32x4.mul(w0, x1));
        a1 = f32x4.add(a1, f32x4.mul(w1, x0));
        b1 = f32x4.add(b1, f32x4.mul(w1, x1));
        a2 = f32x4.add(a2, f32x4.mul(w2, x0));
        b2 = f32x4.add(b2, f32x4.mul(w2, x1));
        a3 = f32x4.add(a3, f32x4.mul(w3, x0));
        b3 = f32x4.add(b3, f32x4.mul(w3, x1));
        row += rowBytes;
        weight += weightRow;
      }
      if (relu) {
        a0 = f32x4.max(a0, zeros);
        b0 = f32x4.max(b0, zeros);
        a1 = f32x4.max(a1, zeros);
        b1 = f32x4.max(b1, zeros);
        a2 = f32x4.max(a2, zeros);
        b2 = f32x4.max(b2, zeros);
        a3 = f32x4.max(a3, zeros);
        b3 = f32x4.max(b3, zeros);
      }
      const place = output + <usize>o * rowBytes + offset;
      v128.store(place, a0);
      v128.store(place, b0, 16);
      v128.store(place + rowBytes, a1);
      v128.store(place + rowBytes, b1, 16);
      v128.store(place + 2 * rowBytes, a2);
      v128.store(place + 2 * rowBytes, b2, 16);
      v128.store(place + 3 * rowBytes, a3);
      v128.store(place + 3 * rowBytes, b3, 16);
    }
    for (; tile < stride; tile += 4) {
      const offset = <usize>tile << 2;
      let a0 = start0;
      let a1 = start1;
      let a2 = start2;
      let a3 = start3;
      let row = input + offset;
      let weight = weights;
      for (let i = 0; i < inputs; i++) {
        const x0 = v128.load(row);
        const w = v128.load(weight);
        a0 = f32x4.add(a0, f32x4.mul(v128.shuffle<f32>(w, w, 0, 0, 0, 0), x0));
        a1 = f32x4.add(a1, f32x4.mul(v128.shuffle<f32>(w, w, 1, 1, 1, 1), x0));
        a2 = f32x4.add(a2, f32x4.mul(v128.shuffle<f32>(w, w, 2, 2, 2, 2), x0));
        a3 = f32x4.add(a3, f32x4.mul(v128.shuffle<f32>(w, w, 3, 3, 3, 3), x0));
        row += rowBytes;
        weight += weightRow;
      }
      if (relu) {
        a0 = f32x4.max(a0, zeros);
        a1 = f32x4.max(a1, zeros);
        a2 = f32x4.max(a2, zeros);
        a3 = f32x4.max(a3, zeros);
      }
      const place = output + <usize>o * rowBytes + offset;
      v128.store(place, a0);
      v128.store(place + rowBytes, a1);
      v128.store(place + 2 * rowBytes, a2);
      v128.store(place + 3 * rowBytes, a3);
    }
  }
  // The last outputs % 4 outputs one at a time.
  for (; o < outputs; o++) {
    const start = f32x4.splat(load<f32>(bias + (<usize>o << 2)));
    for (let tile = 0; tile < stride; tile += 4) {
      const offset = <usize>tile << 2;
      let sum = start;
      let row = input + offset;
      let weight = values + (<usize>o << 2);
      for (let i = 0; i < inputs; i++) {
        sum = f32x4.add(sum, f32x4.mul(f32x4.splat(load<f32>(weight)), v128.load(row)));
        row += rowBytes;
        weight += weightRow;
      }
      if (relu) sum = f32x4.max(sum, zeros);
      v128.store(output + <usize>o * rowBytes + offset, sum);
    }
  }
}

/**
 * {@link denseForward} that skips pruned weights (`mask` zero), as the
 * compressed rows do: for inputs that are not all finite. Four columns at a
 * time; not tuned, as it runs only in a diverging network.
 */
export function denseForwardMasked(
  values: usize,
  mask: usize,
  inputs: i32,
  outputs: i32,
  bias: usize,
  input: usize,
  output: usize,
  stride: i32,
  relu: bool,
): void {
  const rowBytes = <usize>stride << 2;
  const zeros = f32x4.splat(0);
  for (let o = 0; o < outputs; o++) {
    const start = f32x4.splat(load<f32>(bias + (<usize>o << 2)));
    for (let tile = 0; tile < stride; tile += 4) {
      const offset = <usize>tile << 2;
      let sum = start;
      for (let i = 0; i < inputs; i++) {
        const at = (<usize>i * <usize>outputs + <usize>o) << 2;
        if (load<u32>(mask + at) == 0) continue;
        sum = f32x4.add(
          sum,
          f32x4.mul(f32x4.splat(load<f32>(values + at)), v128.load(input + <usize>i * rowBytes + offset)),
        );
      }
      if (relu) sum = f32x4.max(sum, zeros);
      v128.store(output + <usize>o * rowBytes + offset, sum);
    }
  }
}

/**
 * inputDelta[i, :] = (sum_o values[i, o] * delta[o, :]) * (activation[i, :] > 0):
 * the input gradient fused with the ReLU derivative of the layer below,
 * written whole (the host need not zero it). Blocks of 4 inputs x 8 columns.
 */
export function denseInputGradient(
  values: usize,
  outputs: i32,
  delta: usize,
  inputDelta: usize,
  inputs: i32,
  activation: usize,
  stride: i32,
): void {
  const rowBytes = <usize>stride << 2;
  const weightRow = <usize>outputs << 2;
  const zeros = f32x4.splat(0);
  const blockInputs = inputs & ~3;
  let i = 0;
  for (; i < blockInputs; i += 4) {
    const weights = values + <usize>i * weightRow;
    let tile = 0;
    for (; tile + 8 <= stride; tile += 8) {
      const offset = <usize>tile << 2;
      let a0 = zeros;
      let b0 = zeros;
      let a1 = zeros;
      let b1 = zeros;
      let a2 = zeros;
      let b2 = zeros;
      let a3 = zeros;
      let b3 = zeros;
      let row = delta + offset;
      let weight = weights;
      for (let o = 0; o < outputs; o++) {
        const d0 = v128.load(row);
        const d1 = v128.load(row, 16);
        const w0 = f32x4.splat(load<f32>(weight));
        const w1 = f32x4.splat(load<f32>(weight + weightRow));
        const w2 = f32x4.splat(load<f32>(weight + 2 * weightRow));
        const w3 = f32x4.splat(load<f32>(weight + 3 * weightRow));
        a0 = f32x4.add(a0, f32x4.mul(w0, d0));
        b0 = f32x4.add(b0, f32x4.mul(w0, d1));
        a1 = f32x4.add(a1, f32x4.mul(w1, d0));
        b1 = f32x4.add(b1, f32x4.mul(w1, d1));
        a2 = f32x4.add(a2, f32x4.mul(w2, d0));
        b2 = f32x4.add(b2, f32x4.mul(w2, d1));
        a3 = f32x4.add(a3, f32x4.mul(w3, d0));
        b3 = f32x4.add(b3, f32x4.mul(w3, d1));
        row += rowBytes;
        weight += 4;
      }
      const place = <usize>i * rowBytes + offset;
      const act = activation + place;
      const target = inputDelta + place;
      v128.store(target, v128.and(a0, f32x4.gt(v128.load(act), zeros)));
      v128.store(target, v128.and(b0, f32x4.gt(v128.load(act, 16), zeros)), 16);
      v128.store(target + rowBytes, v128.and(a1, f32x4.gt(v128.load(act + rowBytes), zeros)));
      v128.store(
        target + rowBytes,
        v128.and(b1, f32x4.gt(v128.load(act + rowBytes, 16), zeros)),
        16,
      );
      v128.store(
        target + 2 * rowBytes,
        v128.and(a2, f32x4.gt(v128.load(act + 2 * rowBytes), zeros)),
      );
      v128.store(
        target + 2 * rowBytes,
        v128.and(b2, f32x4.gt(v128.load(act + 2 * rowBytes, 16), zeros)),
        16,
      );
      v128.store(
        target + 3 * rowBytes,
        v128.and(a3, f32x4.gt(v128.load(act + 3 * rowBytes), zeros)),
      );
      v128.store(
        target + 3 * rowBytes,
        v128.and(b3, f32x4.gt(v128.load(act + 3 * rowBytes, 16), zeros)),
        16,
      );
    }
    for (; tile < stride; tile += 4) {
      const offset = <usize>tile << 2;
      for (let each = i; each < i + 4; each++) {
        let sum = zeros;
        let row = delta + offset;
        let weight = values + <usize>each * weightRow;
        for (let o = 0; o < outputs; o++) {
          sum = f32x4.add(sum, f32x4.mul(f32x4.splat(load<f32>(weight)), v128.load(row)));
          row += rowBytes;
          weight += 4;
        }
        const place = <usize>each * rowBytes + offset;
        v128.store(inputDelta + place, v128.and(sum, f32x4.gt(v128.load(activation + place), zeros)));
      }
    }
  }
  // The last inputs % 4 inputs one at a time.
  for (; i < inputs; i++) {
    for (let tile = 0; tile < stride; tile += 4) {
      const offset = <usize>tile << 2;
      let sum = zeros;
      let row = delta + offset;
      let weight = values + <usize>i * weightRow;
      for (let o = 0; o < outputs; o++) {
        sum = f32x4.add(sum, f32x4.mul(f32x4.splat(load<f32>(weight)), v128.load(row)));
        row += rowBytes;
        weight += 4;
      }
      const place = <usize>i * rowBytes + offset;
      v128.store(inputDelta + place, v128.and(sum, f32x4.gt(v128.load(activation + place), zeros)));
    }
  }
}

/**
 * {@link denseInputGradient} that skips pruned weights, as the compressed
 * rows do: for output gradients that are not all finite.
 */
export function denseInputGradientMasked(
  values: usize,
  mask: usize,
  outputs: i32,
  delta: usize,
  inputDelta: usize,
  inputs: i32,
  activation: usize,
  stride: i32,
): void {
  const rowBytes = <usize>stride << 2;
  const zeros = f32x4.splat(0);
  for (let i = 0; i < inputs; i++) {
    for (let tile = 0; tile < stride; tile += 4) {
      const offset = <usize>tile << 2;
      let sum = zeros;
      for (let o = 0; o < outputs; o++) {
        const at = (<usize>i * <usize>outputs + <usize>o) << 2;
        if (load<u32>(mask + at) == 0) continue;
        sum = f32x4.add(
          sum,
          f32x4.mul(f32x4.splat(load<f32>(values + at)), v128.load(delta + <usize>o * rowBytes + offset)),
        );
      }
      const place = <usize>i * rowBytes + offset;
      v128.store(inputDelta + place, v128.and(sum, f32x4.gt(v128.load(activation + place), zeros)));
    }
  }
}

/** (l0 + l1) + (l2 + l3) of each of four vectors, as one vector. */
// @ts-ignore: decorator
@inline
function laneSums(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = f32x4.add(v128.shuffle<f32>(a, b, 0, 2, 4, 6), v128.shuffle<f32>(a, b, 1, 3, 5, 7));
  const cd = f32x4.add(v128.shuffle<f32>(c, d, 0, 2, 4, 6), v128.shuffle<f32>(c, d, 1, 3, 5, 7));
  return f32x4.add(v128.shuffle<f32>(ab, cd, 0, 2, 4, 6), v128.shuffle<f32>(ab, cd, 1, 3, 5, 7));
}

/** (l0 + l1) + (l2 + l3) of a vector's lanes. */
// @ts-ignore: decorator
@inline
function laneSum(sum: v128): f32 {
  return (f32x4.extract_lane(sum, 0) + f32x4.extract_lane(sum, 1)) +
    (f32x4.extract_lane(sum, 2) + f32x4.extract_lane(sum, 3));
}

/** One weight's batch dot product, in the order of {@link weightGradient}. */
// @ts-ignore: decorator
@inline
function batchDot(inputRow: usize, deltaRow: usize, stride: i32): f32 {
  let sum = f32x4.splat(0);
  let tile = 0;
  for (; tile + 8 <= stride; tile += 8) {
    const offset = <usize>tile << 2;
    sum = f32x4.add(
      sum,
      f32x4.add(
        f32x4.mul(v128.load(inputRow + offset), v128.load(deltaRow + offset)),
        f32x4.mul(v128.load(inputRow + offset, 16), v128.load(deltaRow + offset, 16)),
      ),
    );
  }
  for (; tile < stride; tile += 4) {
    const offset = <usize>tile << 2;
    sum = f32x4.add(sum, f32x4.mul(v128.load(inputRow + offset), v128.load(deltaRow + offset)));
  }
  return (f32x4.extract_lane(sum, 0) + f32x4.extract_lane(sum, 1)) +
    (f32x4.extract_lane(sum, 2) + f32x4.extract_lane(sum, 3));
}

/**
 * gradient[i, o] = sum over the batch of input[i, :] * delta[o, :] where the
 * weight is kept, +0 where it is pruned (masked with `and`, so that a
 * product that is not finite cannot leak into a pruned entry). Blocks of 2
 * inputs x 4 outputs share their loads.
 */
export function denseWeightGradient(
  mask: usize,
  inputs: i32,
  outputs: i32,
  input: usize,
  delta: usize,
  stride: i32,
  gradient: usize,
): void {
  const rowBytes = <usize>stride << 2;
  const blockInputs = inputs & ~1;
  const blockOutputs = outputs & ~3;
  const even = stride & ~7;
  for (let i = 0; i < blockInputs; i += 2) {
    const inputRow0 = input + <usize>i * rowBytes;
    const inputRow1 = inputRow0 + rowBytes;
    let o = 0;
    for (; o < blockOutputs; o += 4) {
      const deltaRow = delta + <usize>o * rowBytes;
      let s00 = f32x4.splat(0);
      let s01 = s00;
      let s02 = s00;
      let s03 = s00;
      let s10 = s00;
      let s11 = s00;
      let s12 = s00;
      let s13 = s00;
      let tile = 0;
      for (; tile < even; tile += 8) {
        const offset = <usize>tile << 2;
        const x0 = v128.load(inputRow0 + offset);
        const y0 = v128.load(inputRow0 + offset, 16);
        const x1 = v128.load(inputRow1 + offset);
        const y1 = v128.load(inputRow1 + offset, 16);
        let d = v128.load(deltaRow + offset);
        let e = v128.load(deltaRow + offset, 16);
        s00 = f32x4.add(s00, f32x4.add(f32x4.mul(x0, d), f32x4.mul(y0, e)));
        s10 = f32x4.add(s10, f32x4.add(f32x4.mul(x1, d), f32x4.mul(y1, e)));
        d = v128.load(deltaRow + rowBytes + offset);
        e = v128.load(deltaRow + rowBytes + offset, 16);
        s01 = f32x4.add(s01, f32x4.add(f32x4.mul(x0, d), f32x4.mul(y0, e)));
        s11 = f32x4.add(s11, f32x4.add(f32x4.mul(x1, d), f32x4.mul(y1, e)));
        d = v128.load(deltaRow + 2 * rowBytes + offset);
        e = v128.load(deltaRow + 2 * rowBytes + offset, 16);
        s02 = f32x4.add(s02, f32x4.add(f32x4.mul(x0, d), f32x4.mul(y0, e)));
        s12 = f32x4.add(s12, f32x4.add(f32x4.mul(x1, d), f32x4.mul(y1, e)));
        d = v128.load(deltaRow + 3 * rowBytes + offset);
        e = v128.load(deltaRow + 3 * rowBytes + offset, 16);
        s03 = f32x4.add(s03, f32x4.add(f32x4.mul(x0, d), f32x4.mul(y0, e)));
        s13 = f32x4.add(s13, f32x4.add(f32x4.mul(x1, d), f32x4.mul(y1, e)));
      }
      if (tile < stride) {
        const offset = <usize>tile << 2;
        const x0 = v128.load(inputRow0 + offset);
        const x1 = v128.load(inputRow1 + offset);
        let d = v128.load(deltaRow + offset);
        s00 = f32x4.add(s00, f32x4.mul(x0, d));
        s10 = f32x4.add(s10, f32x4.mul(x1, d));
        d = v128.load(deltaRow + rowBytes + offset);
        s01 = f32x4.add(s01, f32x4.mul(x0, d));
        s11 = f32x4.add(s11, f32x4.mul(x1, d));
        d = v128.load(deltaRow + 2 * rowBytes + offset);
        s02 = f32x4.add(s02, f32x4.mul(x0, d));
        s12 = f32x4.add(s12, f32x4.mul(x1, d));
        d = v128.load(deltaRow + 3 * rowBytes + offset);
        s03 = f32x4.add(s03, f32x4.mul(x0, d));
        s13 = f32x4.add(s13, f32x4.mul(x1, d));
      }
      const at0 = (<usize>i * <usize>outputs + <usize>o) << 2;
      const at1 = at0 + (<usize>outputs << 2);
      v128.store(gradient + at0, v128.and(laneSums(s00, s01, s02, s03), v128.load(mask + at0)));
      v128.store(gradient + at1, v128.and(laneSums(s10, s11, s12, s13), v128.load(mask + at1)));
    }
    for (; o < outputs; o++) {
      const deltaRow = delta + <usize>o * rowBytes;
      for (let each = i; each < i + 2; each++) {
        const at = (<usize>each * <usize>outputs + <usize>o) << 2;
        const value = batchDot(input + <usize>each * rowBytes, deltaRow, stride);
        store<u32>(gradient + at, reinterpret<u32>(value) & load<u32>(mask + at));
      }
    }
  }
  if (blockInputs < inputs) {
    const i = blockInputs;
    for (let o = 0; o < outputs; o++) {
      const at = (<usize>i * <usize>outputs + <usize>o) << 2;
      const value = batchDot(input + <usize>i * rowBytes, delta + <usize>o * rowBytes, stride);
      store<u32>(gradient + at, reinterpret<u32>(value) & load<u32>(mask + at));
    }
  }
}

/** Transposes 4 rows x 4 features (16 bytes at `offset` of each row) into 4 target rows at `place`. */
// @ts-ignore: decorator
@inline
function transposeBlock(
  from0: usize,
  from1: usize,
  from2: usize,
  from3: usize,
  place: usize,
  targetRow: usize,
): void {
  const row0 = v128.load(from0);
  const row1 = v128.load(from1);
  const row2 = v128.load(from2);
  const row3 = v128.load(from3);
  const low01 = v128.shuffle<f32>(row0, row1, 0, 4, 1, 5);
  const high01 = v128.shuffle<f32>(row0, row1, 2, 6, 3, 7);
  const low23 = v128.shuffle<f32>(row2, row3, 0, 4, 1, 5);
  const high23 = v128.shuffle<f32>(row2, row3, 2, 6, 3, 7);
  v128.store(place, v128.shuffle<f32>(low01, low23, 0, 1, 4, 5));
  v128.store(place + targetRow, v128.shuffle<f32>(low01, low23, 2, 3, 6, 7));
  v128.store(place + 2 * targetRow, v128.shuffle<f32>(high01, high23, 0, 1, 4, 5));
  v128.store(place + 3 * targetRow, v128.shuffle<f32>(high01, high23, 2, 3, 6, 7));
}

/**
 * {@link transposeIn} of the rows `order[0..rows)` of a row-major
 * [examples, features] block (a training split kept in the module's memory):
 * copies them into feature-major [features, stride] and zeroes the padding
 * columns, with no staging copy in between. Blocks of 16 rows x 4 features
 * (four 4 x 4 transposes in registers), so that each target row receives
 * whole 64-byte lines; the leftover rows in blocks of 4, then one by one.
 */
/** Bytes of a feature panel of {@link gatherIn}: 64 features. */
const GATHER_PANEL_BYTES: usize = 256;

export function gatherIn(
  source: usize,
  order: usize,
  target: usize,
  rows: i32,
  features: i32,
  stride: i32,
): void {
  const sourceRow = <usize>features << 2;
  const targetRow = <usize>stride << 2;
  const wideRows = rows & ~15;
  const blockRows = rows & ~3;
  const blockFeatures = <usize>(features & ~3) << 2;
  let row = 0;
  // Feature panels outside, 16-row blocks inside: a panel's target rows are
  // written from start to end while a block touches only 64 of them, which
  // keeps the pages and lines in use few when the batch is wide (an
  // evaluation chunk's 8,000-byte rows).
  for (let panel: usize = 0; panel < blockFeatures; panel += GATHER_PANEL_BYTES) {
  const panelEnd = min(panel + GATHER_PANEL_BYTES, blockFeatures);
  for (row = 0; row < wideRows; row += 16) {
    const at = order + (<usize>row << 2);
    const from0 = source + <usize>load<i32>(at) * sourceRow;
    const from1 = source + <usize>load<i32>(at, 4) * sourceRow;
    const from2 = source + <usize>load<i32>(at, 8) * sourceRow;
    const from3 = source + <usize>load<i32>(at, 12) * sourceRow;
    const from4 = source + <usize>load<i32>(at, 16) * sourceRow;
    const from5 = source + <usize>load<i32>(at, 20) * sourceRow;
    const from6 = source + <usize>load<i32>(at, 24) * sourceRow;
    const from7 = source + <usize>load<i32>(at, 28) * sourceRow;
    const from8 = source + <usize>load<i32>(at, 32) * sourceRow;
    const from9 = source + <usize>load<i32>(at, 36) * sourceRow;
    const from10 = source + <usize>load<i32>(at, 40) * sourceRow;
    const from11 = source + <usize>load<i32>(at, 44) * sourceRow;
    const from12 = source + <usize>load<i32>(at, 48) * sourceRow;
    const from13 = source + <usize>load<i32>(at, 52) * sourceRow;
    const from14 = source + <usize>load<i32>(at, 56) * sourceRow;
    const from15 = source + <usize>load<i32>(at, 60) * sourceRow;
    const to = target + (<usize>row << 2);
    for (let offset = panel; offset < panelEnd; offset += 16) {
      const place = to + (offset >> 2) * targetRow;
      transposeBlock(from0 + offset, from1 + offset, from2 + offset, from3 + offset, place, targetRow);
      transposeBlock(from4 + offset, from5 + offset, from6 + offset, from7 + offset, place + 16, targetRow);
      transposeBlock(from8 + offset, from9 + offset, from10 + offset, from11 + offset, place + 32, targetRow);
      transposeBlock(
        from12 + offset,
        from13 + offset,
        from14 + offset,
        from15 + offset,
        place + 48,
        targetRow,
      );
    }
  }
  }
  for (row = wideRows; row < blockRows; row += 4) {
    const at = order + (<usize>row << 2);
    const from0 = source + <usize>load<i32>(at) * sourceRow;
    const from1 = source + <usize>load<i32>(at, 4) * sourceRow;
    const from2 = source + <usize>load<i32>(at, 8) * sourceRow;
    const from3 = source + <usize>load<i32>(at, 12) * sourceRow;
    const to = target + (<usize>row << 2);
    for (let offset: usize = 0; offset < blockFeatures; offset += 16) {
      transposeBlock(
        from0 + offset,
        from1 + offset,
        from2 + offset,
        from3 + offset,
        to + (offset >> 2) * targetRow,
        targetRow,
      );
    }
  }
  // The last features % 4 features of the rows in blocks, then the last rows % 4 rows.
  for (let each = 0; each < blockRows; each++) {
    const from = source + <usize>load<i32>(order + (<usize>each << 2)) * sourceRow;
    const to = target + (<usize>each << 2);
    for (let feature = features & ~3; feature < features; feature++) {
      store<f32>(to + <usize>feature * targetRow, load<f32>(from + (<usize>feature << 2)));
    }
  }
  for (row = blockRows; row < rows; row++) {
    const from = source + <usize>load<i32>(order + (<usize>row << 2)) * sourceRow;
    const to = target + (<usize>row << 2);
    for (let feature = 0; feature < features; feature++) {
      store<f32>(to + <usize>feature * targetRow, load<f32>(from + (<usize>feature << 2)));
    }
  }
  for (let feature = 0; feature < features; feature++) {
    const to = target + <usize>feature * targetRow;
    for (row = rows; row < stride; row++) store<f32>(to + (<usize>row << 2), 0);
  }
}
