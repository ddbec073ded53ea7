// The tests' one seeded random source: a 32-bit linear congruential generator (the C standard's example constants,
// multiplied with Math.imul so the state stays an exact uint32). The same seed gives the same sequence in every test.

export interface Random {
  /** The next state, an integer in [0, 2³²). */
  uint32(): number;
  /** Uniform in [0, 1). */
  float(): number;
  /** An integer in [0, n). */
  below(n: number): number;
  /** `count` floats uniform in [lo, hi). */
  floats(count: number, lo?: number, hi?: number): Float32Array;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const uint32 = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
  const float = () => uint32() / 2 ** 32;
  return {
    uint32,
    float,
    below: (n) => uint32() % n,
    floats: (count, lo = -1, hi = 1) => Float32Array.from({ length: count }, () => lo + float() * (hi - lo)),
  };
}
