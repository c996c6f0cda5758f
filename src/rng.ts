/**
 * The one seeded source of randomness. Every random choice in the harness
 * (weight initialisation, masks, shuffling, synthetic data) draws from a
 * {@link Rng}, so that the same seed gives the same bytes on every machine
 * and backend.
 *
 * The generator is xoshiro128** (32-bit state words, exact in JavaScript's
 * integer arithmetic); child streams are derived by hashing a label into the
 * parent's seed, so adding a new consumer never shifts the numbers another
 * consumer sees.
 *
 * @module
 */

/** 32-bit FNV-1a hash of a string, used to derive child seeds from labels. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** SplitMix32 step: spreads a 32-bit seed into well-mixed state words. */
function splitMix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) >>> 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/** A deterministic pseudo-random number generator (xoshiro128**). */
export class Rng {
  #state: Uint32Array;
  #seedText: string;
  #spareNormal: number | null = null;

  /**
   * Creates a generator from a seed. The seed may be any integer or string;
   * equal seeds give equal streams.
   */
  constructor(seed: number | string) {
    this.#seedText = String(seed);
    let mix = hashString(this.#seedText);
    this.#state = new Uint32Array(4);
    for (let index = 0; index < 4; index++) {
      const [next, value] = splitMix32(mix);
      mix = next;
      this.#state[index] = value;
    }
    if (this.#state.every((word) => word === 0)) this.#state[0] = 1;
  }

  /** A child generator for a named purpose, independent of this one's position. */
  fork(label: string): Rng {
    return new Rng(`${this.#seedText}/${label}`);
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    const state = this.#state;
    const result = Math.imul(rotateLeft(Math.imul(state[1], 5) >>> 0, 7), 9) >>>
      0;
    const shifted = (state[1] << 9) >>> 0;
    state[2] ^= state[0];
    state[3] ^= state[1];
    state[1] ^= state[2];
    state[0] ^= state[3];
    state[2] ^= shifted;
    state[3] = rotateLeft(state[3], 11);
    return result;
  }

  /** A float uniformly distributed in [0, 1), with 32 bits of resolution. */
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer uniformly distributed in [0, bound), without modulo bias. */
  nextInt(bound: number): number {
    if (!Number.isInteger(bound) || bound <= 0 || bound > 4294967296) {
      throw new RangeError(
        `nextInt bound must be an integer in [1, 2^32], got ${bound}`,
      );
    }
    const limit = 4294967296 - (4294967296 % bound);
    let value = this.nextUint32();
    while (value >= limit) value = this.nextUint32();
    return value % bound;
  }

  /** A standard normal sample (Box-Muller, both values of a pair used). */
  nextNormal(): number {
    if (this.#spareNormal !== null) {
      const spare = this.#spareNormal;
      this.#spareNormal = null;
      return spare;
    }
    let u = 0;
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.#spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** Shuffles an array in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [index: number]: unknown }>(items: T): T {
    for (let index = items.length - 1; index > 0; index--) {
      const other = this.nextInt(index + 1);
      const held = items[index];
      items[index] = items[other];
      items[other] = held;
    }
    return items;
  }

  /** A random permutation of 0..count-1. */
  permutation(count: number): Int32Array {
    const order = new Int32Array(count);
    for (let index = 0; index < count; index++) order[index] = index;
    return this.shuffle(order);
  }
}

function rotateLeft(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}
