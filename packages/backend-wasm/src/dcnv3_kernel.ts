// The accumulation half of DCNv3 as a WASM SIMD kernel. The sampler (dcnv3_sample_kernel.ts) turns every
// (pixel, group) into P·4 (corner offset, weight) pairs — bilinear weight times mask, zero for corners outside the
// image — and this kernel sums the weighted D-channel rows: out[pg, 0..D) = Σ_t w_t · V[offset_t + 0..D). The module is generated for one D: the row's
// channels are held in up to MAX_VECTORS accumulators while the pairs are read once (per block of channels).
import type { FunctionDef } from './wasm_encoder.js';
import { I32, V128, encodeModule, op } from './wasm_encoder.js';

/** Accumulator vectors per pass over a row's pairs (32 channels). */
const MAX_VECTORS = 8;

// Parameters: pairs (8 bytes each: i32 byte offset into V, f32 weight), count of (pixel, group) rows, pairs per
// row, V base address, output address.
const PAIRS = 0, ROWS = 1, PER_ROW = 2, VBASE = 3, OUT = 4;
const ROW = 5, P = 6, END = 7, ADDR = 8, OUT_ROW = 9;
const W = 10, ACC = 11;

/** Kernel for D channels per group (a multiple of 4). */
export function dcnv3Module(d: number): (fma: boolean) => Uint8Array<ArrayBuffer> {
  if (d % 4 !== 0 || d <= 0) throw new RangeError(`dcnv3Module: channels per group must be a positive multiple of 4, got ${d}`);
  const vectors = d / 4;
  const blocks: Array<[start: number, count: number]> = [];
  for (let s = 0; s < vectors; s += MAX_VECTORS) blocks.push([s, Math.min(MAX_VECTORS, vectors - s)]);
  return (fma) => {
    const block = ([start, count]: [number, number]) => {
      const accs = Array.from({ length: count }, (_, j) => ACC + j);
      const madd = (j: number) => fma
        ? [...op.get(W), ...op.get(ADDR), ...op.v128Load((start + j) * 16), ...op.get(accs[j]!), ...op.f32x4RelaxedMadd, ...op.set(accs[j]!)]
        : [...op.get(accs[j]!), ...op.get(W), ...op.get(ADDR), ...op.v128Load((start + j) * 16), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(accs[j]!)];
      return [
        ...accs.flatMap((a) => [...op.v128Zero, ...op.set(a)]),
        ...op.get(PAIRS), ...op.get(ROW), ...op.get(PER_ROW), ...op.mul, ...op.i32(8), ...op.mul, ...op.add, ...op.tee(P),
        ...op.get(PER_ROW), ...op.i32(8), ...op.mul, ...op.add, ...op.set(END),
        ...op.block, ...op.loop,
        ...op.get(P), ...op.get(END), ...op.geU, ...op.brIf(1),
        ...op.get(P), ...op.i32Load(0), ...op.get(VBASE), ...op.add, ...op.set(ADDR),
        ...op.get(P), ...op.v128Load32Splat(4), ...op.set(W),
        ...accs.flatMap((_, j) => madd(j)),
        ...op.get(P), ...op.i32(8), ...op.add, ...op.set(P),
        ...op.br(0), ...op.end, ...op.end,
        ...accs.flatMap((a, j) => [...op.get(OUT_ROW), ...op.get(a), ...op.v128Store((start + j) * 16)]),
      ];
    };
    const row = [
      ...op.get(OUT), ...op.get(ROW), ...op.i32(d * 4), ...op.mul, ...op.add, ...op.set(OUT_ROW),
      ...blocks.flatMap(block),
    ];
    const body = [
      ...op.i32(0), ...op.set(ROW),
      ...op.block, ...op.loop,
      ...op.get(ROW), ...op.get(ROWS), ...op.geU, ...op.brIf(1),
      ...row,
      ...op.get(ROW), ...op.i32(1), ...op.add, ...op.set(ROW),
      ...op.br(0), ...op.end, ...op.end,
    ];
    const fn: FunctionDef = {
      name: 'dcnv3_accumulate', params: 5,
      locals: [[OUT_ROW - ROW + 1, I32], [1 + Math.min(MAX_VECTORS, vectors), V128]], body,
    };
    return encodeModule([fn]);
  };
}
