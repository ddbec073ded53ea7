// A WASM SIMD GEMM microkernel, generated as bytes: C[M×N] = A[M×K] · B[K×N] (+ bias) in float32. A and C are
// row-major, N a multiple of the panel width (callers pad C's columns); B is packed in panels of `4·vectors` columns,
// each panel K×width contiguous, so the k loop reads B sequentially. Any M and K.
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
}

/** The tile the backend uses, by whether fused multiply-add (relaxed SIMD) is available. */
export const gemmTile = (_fma: boolean): GemmTile => ({ rows: 2, vectors: 4 });

// Parameters: A, packed B, C, M, N, K, and a bias row of N floats added to every row of C (zeros for none).
const PA = 0, PB = 1, PC = 2, M = 3, N = 4, K = 5, PBIAS = 6;
// i32 locals.
const I0 = 7, J0 = 8, B = 9, BEND = 10, K4 = 11, N4 = 12, KALL = 13, C = 14, BIAS = 15, A0 = 16;

/** The function body for tiles of `rows` rows (M a multiple of rows); `rowsOuter` walks row tiles in the outer loop
 * (B re-read per row tile), otherwise column panels (each B panel stays in cache while A streams past). */
function gemmBody(fma: boolean, tile: GemmTile, rows: number, rowsOuter: boolean): { body: number[]; i32s: number; v128s: number } {
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
  const tileCode = [
    // Accumulators start at the bias of columns j0..j0+width−1 (the epilogue is free this way).
    ...op.get(PBIAS), ...op.get(J0), ...op.i32(4), ...op.mul, ...op.add, ...op.set(BIAS),
    ...R.flatMap((r) => V.flatMap((v) => [...op.get(BIAS), ...op.v128Load(16 * v), ...op.set(ACC(r, v))])),
    // A row pointers: pa + (i0 + r)·K·4; B: the panel of columns j0.. at pb + j0·K·4.
    ...R.flatMap((r) => [
      ...op.get(PA), ...op.get(I0), ...op.i32(r), ...op.add, ...op.get(K4), ...op.mul, ...op.add, ...op.set(A(r)),
    ]),
    ...op.get(PB), ...op.get(J0), ...op.get(K4), ...op.mul, ...op.add, ...op.tee(B),
    ...op.get(KALL), ...op.add, ...op.set(BEND),
    ...kLoop,
    // C tile: pc + ((i0 + r)·N + j0)·4.
    ...R.flatMap((r) => [
      ...op.get(PC), ...op.get(I0), ...op.i32(r), ...op.add, ...op.get(N4), ...op.mul, ...op.add,
      ...op.get(J0), ...op.i32(4), ...op.mul, ...op.add, ...op.set(C),
      ...V.flatMap((v) => [...op.get(C), ...op.get(ACC(r, v)), ...op.v128Store(16 * v)]),
    ]),
  ];
  const body = [
    ...op.get(K), ...op.i32(4), ...op.mul, ...op.set(K4),
    ...op.get(N), ...op.i32(4), ...op.mul, ...op.set(N4),
    // Bytes of a B panel.
    ...op.get(K4), ...op.i32(width), ...op.mul, ...op.set(KALL),
    ...(rowsOuter ? forLoop(I0, M, rows, forLoop(J0, N, width, tileCode)) : forLoop(J0, N, width, forLoop(I0, M, rows, tileCode))),
  ];
  return { body, i32s: A0 + rows - I0, v128s: rows * NV + NV + 1 };
}

/**
 * Exports gemm_rows (row tiles outer) and gemm_panels (column panels outer) for M a multiple of `tile.rows`, and
 * gemm_tail<r> (r = 1 … rows − 1) for the last M mod rows rows; all take the same arguments. Also gelu. Every row's sums run in
 * the same order whichever function computes it.
 */
export function gemmModule(fma: boolean, tile: GemmTile = gemmTile(fma)): Uint8Array<ArrayBuffer> {
  const fn = (name: string, rows: number, rowsOuter: boolean): FunctionDef => {
    const { body, i32s, v128s } = gemmBody(fma, tile, rows, rowsOuter);
    return { name, params: 7, locals: [[i32s, I32], [v128s, V128]], body };
  };
  const tails = Array.from({ length: tile.rows - 1 }, (_, i) => fn(`gemm_tail${i + 1}`, i + 1, true));
  // gelu (erf_kernel.ts) for the GELU epilogue, run in place over C while it is still in cache.
  const gelu = erfFunctions(fma).filter((f) => f.name === 'gelu');
  return encodeModule([fn('gemm_rows', tile.rows, true), fn('gemm_panels', tile.rows, false), ...tails, ...gelu]);
}
