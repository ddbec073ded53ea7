// A WASM SIMD GEMM microkernel, generated as bytes: C[M×N] = A[M×K] · B[K×N] (+ bias) in float32. A and C are
// row-major, N a multiple of the panel width (callers pad C's columns); B is packed in blocks of `depth` rows of K
// (the last block shorter), each block in panels of `4·vectors` columns, each panel depth×width contiguous, so the
// k loop reads B sequentially (packedOffset gives the layout). Any M and K.
//
// Blocking K keeps a long reduction (a 3×3 convolution over 2048 channels has K = 18432) from streaming all of B
// from memory for every few rows of A: per chunk of rows, each block of B passes over the chunk's A while it is in
// cache, and C accumulates across the blocks (it stays in cache too). Sums still run in k order, so a row's result
// does not depend on the blocking.
//
// Each step of the k loop updates a rows × width tile of f32x4 accumulators: `vectors` loads of B, then per row one
// v128.load32_splat of A (a broadcasting load: vbroadcastss on x64, no shuffle) and `vectors` multiply-adds (fused
// with relaxed SIMD). The loop body is one k step: V8 unrolls such small loops itself, whereas in a body of several
// steps TurboFan schedules all the loads first and the multiply-adds after them, so every loaded value is live at once.
// V8's x64 backend gives wasm code 15 XMM registers (the 16th is its scratch register): accumulators + B vectors + A
// broadcasts (+ 1 temporary for a plain multiply) must fit, or it spills inside the loop. 2×16 (8 + 4 + 2 + 1) fits
// and measured best on InternImage's Linear shapes; 4×8 fits too; 6×8 or any manual unrolling spill.
import type { FunctionDef } from './wasm_encoder.js';
import { erfFunctions } from './erf_kernel.js';
import { I32, V128, encodeModule, forLoop, op } from './wasm_encoder.js';

export interface GemmTile {
  /** Rows of C per register tile. */
  rows: number;
  /** f32x4 vectors per row of the tile: the B panel width is 4·vectors columns. */
  vectors: number;
  /** Rows of K per block of packed B. */
  depth: number;
}

/** The tile the backend uses, by whether fused multiply-add (relaxed SIMD) is available. */
export const gemmTile = (_fma: boolean): GemmTile => ({ rows: 2, vectors: 4, depth: 256 });

/** Float offset of B[k][j] in packed B with K rows and `np` (padded) columns. */
export function packedOffset(tile: GemmTile, k: number, j: number, kAll: number, np: number): number {
  const width = 4 * tile.vectors;
  const block = Math.floor(k / tile.depth) * tile.depth;
  const depth = Math.min(tile.depth, kAll - block);
  return block * np + Math.floor(j / width) * depth * width + (k - block) * width + (j % width);
}

/** Bytes of A (and of C) per chunk of rows: a chunk stays in a core's L2 cache while every B panel passes over it. */
const CHUNK_BYTES = 256 * 1024;

/** Rows per chunk for K and (padded) N: a multiple of the tile's rows. */
export function gemmChunkRows(tile: GemmTile, k: number, n: number): number {
  return Math.max(1, Math.floor(CHUNK_BYTES / (4 * Math.max(Math.min(k, tile.depth), n)) / tile.rows)) * tile.rows;
}

// Parameters: A, packed B, C, M, N, K, a bias row of N floats added to every row of C (zeros for none), rows per
// chunk, and the activation (0 none, 1 GELU).
const PA = 0, PB = 1, PC = 2, M = 3, N = 4, K = 5, PBIAS = 6, MC = 7, ACT = 8;
// i32 locals.
const I0 = 9, J0 = 10, B = 11, BEND = 12, K4 = 13, N4 = 14, KALL = 15, C = 16, BIAS = 17, ROWS = 18, KB = 19, KLEN = 20,
  BBLOCK = 21, A0 = 22;
/** Index of the gelu function in the module (gemm, the tails, then gelu). */
const geluIndex = (tile: GemmTile) => tile.rows;

/**
 * The function body for tiles of `rows` rows (M a multiple of rows). Rows are taken in chunks of MC (a multiple of
 * rows): within a chunk, blocks of K outside, then column panels, then row tiles, so each B panel is read from memory
 * once per chunk while the chunk of A stays in cache; then the activation runs over the chunk of C while it is in
 * cache.
 */
function gemmBody(fma: boolean, tile: GemmTile, rows: number): { body: number[]; i32s: number; v128s: number } {
  const { vectors: NV } = tile;
  const width = 4 * NV;
  const R = [...Array(rows).keys()];
  const V = [...Array(NV).keys()];
  const A = (r: number) => A0 + r;
  const ACC0 = A0 + rows;
  const ACC = (r: number, v: number) => ACC0 + r * NV + v;
  const VB = (v: number) => ACC0 + rows * NV + v;
  const VA = ACC0 + rows * NV + NV;
  const madd = (acc: number, vb: number) => fma
    ? [...op.get(VA), ...op.get(vb), ...op.get(acc), ...op.f32x4RelaxedMadd, ...op.set(acc)]
    : [...op.get(acc), ...op.get(VA), ...op.get(vb), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(acc)];
  // One k step: a row of the B panel, one A value per row; then every pointer moves on by one k.
  const kLoop = [
    ...op.block, ...op.loop,
    ...op.get(B), ...op.get(BEND), ...op.geU, ...op.brIf(1),
    ...V.flatMap((v) => [...op.get(B), ...op.v128Load(16 * v), ...op.set(VB(v))]),
    ...R.flatMap((r) => [
      ...op.get(A(r)), ...op.v128Load32Splat(0), ...op.set(VA),
      ...V.flatMap((v) => madd(ACC(r, v), VB(v))),
    ]),
    ...R.flatMap((r) => [...op.get(A(r)), ...op.i32(4), ...op.add, ...op.set(A(r))]),
    ...op.get(B), ...op.i32(4 * width), ...op.add, ...op.set(B),
    ...op.br(0), ...op.end, ...op.end,
  ];
  // C row r of the tile: pc + ((i0 + r)·N + j0)·4.
  const cRow = (r: number) => [
    ...op.get(PC), ...op.get(I0), ...op.i32(r), ...op.add, ...op.get(N4), ...op.mul, ...op.add,
    ...op.get(J0), ...op.i32(4), ...op.mul, ...op.add, ...op.set(C),
  ];
  const tileCode = [
    // Accumulators start at the bias of columns j0..j0+width−1 in the first block of K (the epilogue is free this
    // way), and at the partial sums in C in the others.
    ...op.get(KB), ...op.eqz, ...op.if,
    ...op.get(PBIAS), ...op.get(J0), ...op.i32(4), ...op.mul, ...op.add, ...op.set(BIAS),
    ...R.flatMap((r) => V.flatMap((v) => [...op.get(BIAS), ...op.v128Load(16 * v), ...op.set(ACC(r, v))])),
    ...op.else,
    ...R.flatMap((r) => [...cRow(r), ...V.flatMap((v) => [...op.get(C), ...op.v128Load(16 * v), ...op.set(ACC(r, v))])]),
    ...op.end,
    // A row pointers: pa + (i0 + r)·K·4 + kb·4; B: the panel of columns j0.. in this block, at bblock + j0·klen·4.
    ...R.flatMap((r) => [
      ...op.get(PA), ...op.get(I0), ...op.i32(r), ...op.add, ...op.get(K4), ...op.mul, ...op.add,
      ...op.get(KB), ...op.i32(4), ...op.mul, ...op.add, ...op.set(A(r)),
    ]),
    ...op.get(BBLOCK), ...op.get(J0), ...op.get(KLEN), ...op.mul, ...op.i32(4), ...op.mul, ...op.add, ...op.tee(B),
    ...op.get(KALL), ...op.add, ...op.set(BEND),
    ...kLoop,
    ...R.flatMap((r) => [...cRow(r), ...V.flatMap((v) => [...op.get(C), ...op.get(ACC(r, v)), ...op.v128Store(16 * v)])]),
  ];
  // One block of K over the chunk: klen = min(depth, K − kb) rows of B starting at pb + kb·N·4.
  const blockCode = [
    ...op.get(K), ...op.get(KB), ...op.sub, ...op.set(KLEN),
    ...op.i32(tile.depth), ...op.get(KLEN), ...op.i32(tile.depth), ...op.get(KLEN), ...op.ltU, ...op.select, ...op.set(KLEN),
    ...op.get(KLEN), ...op.i32(4 * width), ...op.mul, ...op.set(KALL),
    ...op.get(PB), ...op.get(KB), ...op.get(N4), ...op.mul, ...op.add, ...op.set(BBLOCK),
    ...forLoop(J0, N, width, forLoop(I0, ROWS, rows, tileCode)),
  ];
  const body = [
    ...op.get(K), ...op.i32(4), ...op.mul, ...op.set(K4),
    ...op.get(N), ...op.i32(4), ...op.mul, ...op.set(N4),
    // while (M > 0): ROWS = min(MC, M); the chunk; PA, PC move on by ROWS rows and M goes down by ROWS.
    ...op.block, ...op.loop,
    ...op.get(M), ...op.eqz, ...op.brIf(1),
    ...op.get(MC), ...op.get(M), ...op.get(MC), ...op.get(M), ...op.ltU, ...op.select, ...op.set(ROWS),
    // do { block of K; kb += depth } while (kb < K): at least one block, so that K = 0 gives C = bias.
    ...op.i32(0), ...op.set(KB),
    ...op.loop,
    ...blockCode,
    ...op.get(KB), ...op.i32(tile.depth), ...op.add, ...op.tee(KB), ...op.get(K), ...op.ltU, ...op.brIf(0),
    ...op.end,
    ...op.get(ACT), ...op.if,
    ...op.get(PC), ...op.get(PC), ...op.get(ROWS), ...op.get(N4), ...op.mul, ...op.call(geluIndex(tile)),
    ...op.end,
    ...op.get(PA), ...op.get(ROWS), ...op.get(K4), ...op.mul, ...op.add, ...op.set(PA),
    ...op.get(PC), ...op.get(ROWS), ...op.get(N4), ...op.mul, ...op.add, ...op.set(PC),
    ...op.get(M), ...op.get(ROWS), ...op.sub, ...op.set(M),
    ...op.br(0), ...op.end, ...op.end,
  ];
  return { body, i32s: A0 + rows - I0, v128s: rows * NV + NV + 1 };
}

/**
 * Exports gemm for M a multiple of `tile.rows` and gemm_tail<r> (r = 1 … rows − 1) for the last M mod rows rows;
 * both take (A, packed B, C, M, N, K, bias, rows per chunk, activation). With the GELU activation, the rows per chunk
 * times N must be a multiple of ERF_BLOCK_BYTES / 4 floats. Also exports gelu. Every row's sums run in the same order
 * whichever function, chunk size or thread computes it.
 */
export function gemmModule(fma: boolean, tile: GemmTile = gemmTile(fma)): Uint8Array<ArrayBuffer> {
  const fn = (name: string, rows: number): FunctionDef => {
    const { body, i32s, v128s } = gemmBody(fma, tile, rows);
    return { name, params: 9, locals: [[i32s, I32], [v128s, V128]], body };
  };
  const tails = Array.from({ length: tile.rows - 1 }, (_, i) => fn(`gemm_tail${i + 1}`, i + 1));
  // gelu (erf_kernel.ts) for the GELU epilogue, run in place over each chunk of C while it is still in cache.
  const gelu = erfFunctions(fma).filter((f) => f.name === 'gelu');
  return encodeModule([fn('gemm', tile.rows), ...tails, ...gelu]);
}
