/**
 * The k-th smallest of a set of numbers without sorting them all: a
 * quickselect, linear on average, which is what mask selection needs (one
 * threshold), where a full sort of every kept score cost a high-sparsity run
 * a fifth of its time.
 *
 * The value found equals (`===`) the one at index `k` of the numerically
 * sorted array, so a selection that compares against it with `<` and `===`
 * prunes exactly the weights it pruned with the sort. (Of `-0` and `+0`,
 * which compare equal, it may return the other sign; neither comparison can
 * tell them apart.)
 *
 * @module
 */

/** Below this many values a sort is faster than another partition. */
const SORT_BELOW = 32;

/**
 * The value at index `k` of `values` sorted ascending (a copy is worked on;
 * `values` is left as it is). Linear on average: three-way partitions around
 * the median of three, so runs of equal values (tied scores) end a round at
 * once; after more rounds than a balanced search needs it sorts what is left,
 * so no input costs more than a sort.
 *
 * @throws RangeError when `k` is not an index of `values`, or a value is NaN
 * (NaN has no place in an order; callers map it to a number first).
 */
export function kthSmallest(values: Float64Array, k: number): number {
  if (!(Number.isInteger(k) && k >= 0 && k < values.length)) {
    throw new RangeError(`k must be an index of the ${values.length} values, got ${k}`);
  }
  const work = values.slice();
  for (let index = 0; index < work.length; index++) {
    if (Number.isNaN(work[index])) throw new RangeError(`value ${index} is NaN`);
  }
  let low = 0;
  let high = work.length - 1;
  const roundLimit = 2 * Math.ceil(Math.log2(work.length + 1)) + 8;
  let rounds = 0;
  while (high > low) {
    rounds++;
    if (high - low < SORT_BELOW || rounds > roundLimit) {
      return work.subarray(low, high + 1).sort()[k - low];
    }
    const first = work[low];
    const middle = work[(low + high) >>> 1];
    const last = work[high];
    const pivot = first < middle
      ? (middle < last ? middle : first < last ? last : first)
      : (first < last ? first : middle < last ? last : middle);
    // [low, lessEnd) < pivot, [lessEnd, index) === pivot, (greaterStart, high] > pivot.
    let lessEnd = low;
    let greaterStart = high;
    let index = low;
    while (index <= greaterStart) {
      const value = work[index];
      if (value < pivot) {
        work[index] = work[lessEnd];
        work[lessEnd] = value;
        lessEnd++;
        index++;
      } else if (value > pivot) {
        work[index] = work[greaterStart];
        work[greaterStart] = value;
        greaterStart--;
      } else {
        index++;
      }
    }
    if (k < lessEnd) high = lessEnd - 1;
    else if (k > greaterStart) low = greaterStart + 1;
    else return pivot;
  }
  return work[low];
}
