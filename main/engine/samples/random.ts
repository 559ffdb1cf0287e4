// Small seeded PRNG shared by the sample generator and the simulator: runs must be reproducible from a seed
// (tests assert exact data; fault injection must replay), and Math.random cannot be seeded.
import { createHash } from 'node:crypto';

export type Rng = {
  /** Uniform in [0, 1). */
  next(): number;
  int(min: number, maxInclusive: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  /** Standard normal (Box–Muller). */
  normal(): number;
};

/** mulberry32: tiny, fast, good enough for test data (not for anything secret). */
export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    chance: (p) => p > 0 && next() < p,
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}

/** A 32-bit seed from any string (e.g. an image SHA-256), so equal bytes give equal data. */
export function seedFromString(s: string): number {
  return createHash('sha256').update(s).digest().readUInt32BE(0);
}
