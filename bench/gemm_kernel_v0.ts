// Snapshot of the 4×8 lane-broadcast GEMM kernel before issue #8, for bench/gemm_micro.ts to compare against.
// A WASM SIMD GEMM microkernel, generated as bytes: C[M×N] = A[M×K] · B[K×N] in float32, M a multiple of TILE_ROWS,
// N of 8 and K of 4 (callers pad with zeros). A and C are row-major; B is packed in panels of 8 columns, each panel K×8 contiguous, so the
// k loop reads B sequentially. Each step of the k loop updates a TILE_ROWS×8 tile of f32x4 accumulators: two vector
// loads of B, TILE_ROWS broadcasts of A, 2·TILE_ROWS multiply-adds (fused with relaxed SIMD).
import type { FunctionDef } from '../packages/backend-wasm/src/wasm_encoder.js';
import { I32, V128, encodeModule, forLoop, op } from '../packages/backend-wasm/src/wasm_encoder.js';

// Parameters: A, packed B, C, M, N, K, and a bias row of N' floats added to every row of C (zeros for none).
const PA = 0, PB = 1, PC = 2, M = 3, N = 4, K = 5, PBIAS = 6;
/** Rows of C per register tile (the tile is TILE_ROWS × 8, in TILE_ROWS·2 f32x4 accumulators). */
export const TILE_ROWS = 4;
const ROWS = [...Array(TILE_ROWS).keys()];
// i32 locals.
const I0 = 7, J0 = 8, KK = 9, B = 10, K4 = 11, N4 = 12, C = 13, A0 = 14;
const A = (r: number) => A0 + r; // row pointers
// v128 locals.
const ACC0 = A0 + TILE_ROWS;
const ACC = (r: number, half: number) => ACC0 + r * 2 + half;
const VB0 = ACC0 + 2 * TILE_ROWS, VB1 = VB0 + 1, VA = VB0 + 2;
/** One v128 of A per row: four consecutive k values, broadcast lane by lane. */
const VROW0 = VA + 1;
const VROW = (r: number) => VROW0 + r;

/** Loops over the 4×8 tiles of C; `rowsOuter` walks row tiles in the outer loop (B re-read per row tile), otherwise
 * column panels (each B panel stays in cache while A streams past). */
function gemmBody(fma: boolean, rowsOuter: boolean): number[] {
  const madd = (acc: number, vb: number) => fma
    ? [...op.get(VA), ...op.get(vb), ...op.get(acc), ...op.f32x4RelaxedMadd, ...op.set(acc)]
    : [...op.get(acc), ...op.get(VA), ...op.get(vb), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(acc)];
  // K is a multiple of 4 (callers pad): each iteration consumes 4 values of k, loading A as one vector per row.
  const kLoop = [
    ...op.block, ...op.loop,
    ...op.get(KK), ...op.get(K), ...op.geU, ...op.brIf(1),
    ...ROWS.flatMap((r) => [...op.get(A(r)), ...op.v128Load(0), ...op.set(VROW(r))]),
    ...[0, 1, 2, 3].flatMap((q) => [
      ...op.get(B), ...op.v128Load(q * 32), ...op.set(VB0),
      ...op.get(B), ...op.v128Load(q * 32 + 16), ...op.set(VB1),
      ...ROWS.flatMap((r) => [
        ...op.get(VROW(r)), ...op.get(VROW(r)), ...op.f32x4SplatLane(q), ...op.set(VA),
        ...madd(ACC(r, 0), VB0), ...madd(ACC(r, 1), VB1),
      ]),
    ]),
    ...ROWS.flatMap((r) => [...op.get(A(r)), ...op.i32(16), ...op.add, ...op.set(A(r))]),
    ...op.get(B), ...op.i32(128), ...op.add, ...op.set(B),
    ...op.get(KK), ...op.i32(4), ...op.add, ...op.set(KK),
    ...op.br(0), ...op.end, ...op.end,
  ];
  const tile = [
    // Accumulators start at the bias of columns j0..j0+7 (the epilogue is free this way).
    ...ROWS.flatMap((r) => [
      ...op.get(PBIAS), ...op.get(J0), ...op.i32(4), ...op.mul, ...op.add, ...op.v128Load(0), ...op.set(ACC(r, 0)),
      ...op.get(PBIAS), ...op.get(J0), ...op.i32(4), ...op.mul, ...op.add, ...op.v128Load(16), ...op.set(ACC(r, 1)),
    ]),
    // A row pointers: pa + (i0 + r)·K·4; B: the panel of columns j0..j0+7 at pb + j0·K·4; k = 0.
    ...ROWS.flatMap((r) => [
      ...op.get(PA), ...op.get(I0), ...op.i32(r), ...op.add, ...op.get(K4), ...op.mul, ...op.add, ...op.set(A(r)),
    ]),
    ...op.get(PB), ...op.get(J0), ...op.get(K4), ...op.mul, ...op.add, ...op.set(B),
    ...op.i32(0), ...op.set(KK),
    ...kLoop,
    // C tile: pc + ((i0 + r)·N + j0)·4.
    ...ROWS.flatMap((r) => [
      ...op.get(PC), ...op.get(I0), ...op.i32(r), ...op.add, ...op.get(N4), ...op.mul, ...op.add,
      ...op.get(J0), ...op.i32(4), ...op.mul, ...op.add, ...op.set(C),
      ...op.get(C), ...op.get(ACC(r, 0)), ...op.v128Store(0),
      ...op.get(C), ...op.get(ACC(r, 1)), ...op.v128Store(16),
    ]),
  ];
  return [
    ...op.get(K), ...op.i32(4), ...op.mul, ...op.set(K4),
    ...op.get(N), ...op.i32(4), ...op.mul, ...op.set(N4),
    ...(rowsOuter ? forLoop(I0, M, TILE_ROWS, forLoop(J0, N, 8, tile)) : forLoop(J0, N, 8, forLoop(I0, M, TILE_ROWS, tile))),
  ];
}

/** Exports gemm_rows (row tiles outer) and gemm_panels (column panels outer), same arguments. */
export function gemmModule(fma: boolean, shared = false): Uint8Array<ArrayBuffer> {
  const fn = (name: string, rowsOuter: boolean): FunctionDef => ({
    name, params: 7, locals: [[A0 + TILE_ROWS - I0, I32], [VROW(TILE_ROWS - 1) - ACC0 + 1, V128]], body: gemmBody(fma, rowsOuter),
  });
  return encodeModule([fn('gemm_rows', true), fn('gemm_panels', false)], shared);
}
