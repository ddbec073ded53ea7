// Seedable random initialisation following the official code (docs/internimage.md#initialisation): the same
// distributions, not the same numbers as PyTorch's generator.
import type { Tensor } from '@internimage/core';
import { dispose, fromTypedArray, sizeOf } from '@internimage/core';
import type { ParamSpec } from './params.js';

/** xoshiro128** seeded through splitmix32: fast, 2^128 period, good enough for weight init. */
export class Rng {
  private s = new Uint32Array(4);

  constructor(seed: number) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
  }

  /** Uniform in [0, 1). */
  next(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result / 4294967296;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

function sample(spec: ParamSpec, rng: Rng): Float32Array {
  const n = sizeOf(spec.shape);
  const out = new Float32Array(n);
  const { init } = spec;
  switch (init.type) {
    case 'fill':
      out.fill(init.value);
      break;
    case 'uniform':
      for (let i = 0; i < n; i++) out[i] = (rng.next() * 2 - 1) * init.bound;
      break;
    case 'xavierUniform': {
      const [fanOut, fanIn] = spec.shape as [number, number];
      const bound = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < n; i++) out[i] = (rng.next() * 2 - 1) * bound;
      break;
    }
    case 'truncNormal':
      // timm's trunc_normal_ truncates at absolute ±2, far outside ±std·k for std 0.02: resample outside.
      for (let i = 0; i < n; i++) {
        let v: number;
        do v = rng.normal() * init.std;
        while (v < -2 || v > 2);
        out[i] = v;
      }
      break;
  }
  return out;
}

/** Fresh tensors for every non-optional spec, on the active backend. */
export function initWeights(specs: readonly ParamSpec[], seed = 0): Map<string, Tensor> {
  const rng = new Rng(seed);
  const out = new Map<string, Tensor>();
  try {
    for (const s of specs) if (!s.optional) out.set(s.name, fromTypedArray(sample(s, rng), s.shape, 'float32'));
  } catch (e) {
    dispose(...out.values());
    throw e;
  }
  return out;
}
