// The fuzzer's seeded randomness: mulberry32 (a 32-bit state PRNG), one independent stream per
// input index, so that input N of seed S is the same bytes whatever ran before it (replayable alone).

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both ends included. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

/** mulberry32: 32 bits of state, period 2^32, good enough to pick mutations (not for secrets). */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}

/** splitmix32-style finaliser: spreads (seed, index) so neighbouring indexes get unrelated streams. */
function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** The stream for input `index` of campaign `seed`. */
export function rngFor(seed: number, index: number): Rng {
  return mulberry32(mix32(mix32(seed >>> 0) ^ Math.imul(index + 1, 0x9e3779b9)));
}

/** A seed from the environment or a command line: decimal or 0x-hex, 32 bits. */
export function parseSeed(text: string | undefined, fallback: number): number {
  if (text === undefined || text.trim() === '') return fallback;
  const t = text.trim();
  const n = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t.slice(2), 16) : /^\d+$/.test(t) ? Number(t) : NaN;
  if (!Number.isFinite(n) || n < 0 || n > 0xffffffff) throw new Error(`seed must be a 32-bit number (decimal or 0x hex), got ${JSON.stringify(text)}`);
  return n >>> 0;
}
