// GEMM through the WASM microkernel, on operands in the backend's heap: A, C and the bias are used where they are
// (copied into scratch only when they are not in the heap, or C's columns need padding); packed B operands (cached
// weights) are heap blocks of their own.
import type { LinearActivation } from '@internimage/core';
import { elementwise } from './elementwise.js';
import { ERF_BLOCK_BYTES } from './erf_kernel.js';
import { gemmChunkRows, gemmModule, gemmTile, packedOffset } from './gemm_kernel.js';
import { heap, ownedFloats, withScratch } from './heap.js';
import type { WasmKernel } from './wasm_runtime.js';
import { runParts, splitWork } from './threads.js';
import { instantiate } from './wasm_runtime.js';

type Gemm = (pa: number, pb: number, pc: number, m: number, n: number, k: number, pbias: number, chunk: number, act: number) => void;
type Exports = { gemm: Gemm; gelu: (input: number, output: number, bytes: number) => void } &
  Record<`gemm_tail${number}`, Gemm | undefined>;

let instance: WasmKernel<Exports> | undefined;
const kernel = () => (instance ??= instantiate((fma) => gemmModule(fma)));

// The tile is the same with and without fused multiply-add, so packed B does not depend on the runtime.
const TILE = gemmTile(true);
const { rows: TILE_ROWS, vectors } = TILE;
/** Columns per packed B panel. */
const PANEL = 4 * vectors;

/** Whether the kernel uses fused multiply-add (relaxed SIMD). */
export function gemmUsesFma(): boolean {
  return kernel().fma;
}

const roundUp = (v: number, m: number) => Math.ceil(v / m) * m;

/**
 * C[M×N] = act(A[M×K] · B[K×N] (+ bias[N] on every row)). A row-major (a view is fine); B row-major or already
 * packed (packB / packTransposed: cache packed weights). The result is written to `out` (length ≥ M·N).
 */
export function gemm(
  a: Float32Array, b: Float32Array | PackedB, out: Float32Array, m: number, n: number, k: number, bias?: Float32Array,
  activation: LinearActivation = 'none',
): void {
  const h = heap();
  const { exports } = kernel();
  const np = roundUp(n, PANEL);
  const aView = a.subarray(0, m * k);
  const cDirect = np === n && h.holds(out);
  const biasDirect = bias !== undefined && np === n && h.holds(bias);
  // One scratch block for whatever is not usable in place: A, B packed for this call, the padded bias, padded C.
  let bytes = 0;
  const region = (size: number) => {
    const at = bytes;
    bytes += roundUp(size, 64);
    return at;
  };
  const aAt = h.holds(aView) ? -1 : region(m * k * 4);
  const bAt = b instanceof Float32Array ? region(k * np * 4) : -1;
  const biasAt = biasDirect ? -1 : region(np * 4);
  const cAt = cDirect ? -1 : region(m * np * 4);
  withScratch(bytes, (base) => {
    let pa = aView.byteOffset;
    if (aAt >= 0) {
      pa = base + aAt;
      h.floats(pa, m * k).set(aView);
    }
    let pb: number;
    if (b instanceof Float32Array) {
      pb = base + bAt;
      packInto(h.floats(pb, k * np), k, n, (i, j) => b[i * n + j]!);
    } else {
      pb = b.data.byteOffset;
    }
    let pbias = bias?.byteOffset ?? 0;
    if (!biasDirect) {
      pbias = base + biasAt;
      const row = h.floats(pbias, np);
      row.fill(0);
      if (bias) row.set(bias.subarray(0, n));
    }
    const pc = cDirect ? out.byteOffset : base + cAt;
    // Whole row tiles first (split between threads), then the last m mod TILE_ROWS rows; each row's sums are the same
    // whichever function, chunk or thread computes them, so results do not depend on the thread count.
    const mMain = m - (m % TILE_ROWS);
    const chunk = gemmChunkRows(TILE, k, np);
    const act = activation === 'gelu' ? 1 : 0;
    if (mMain > 0) {
      runParts(kernel(), 'gemm', splitWork(mMain / TILE_ROWS, 2).map(([t0, tiles]) =>
        [pa + t0 * TILE_ROWS * k * 4, pb, pc + t0 * TILE_ROWS * np * 4, tiles * TILE_ROWS, np, k, pbias, chunk, act]));
    }
    if (mMain < m) {
      const rows = m - mMain;
      exports[`gemm_tail${rows}`]!(pa + mMain * k * 4, pb, pc + mMain * np * 4, rows, np, k, pbias, rows, 0);
      const tail = h.floats(pc + mMain * np * 4, rows * np);
      if (act) elementwise(kernel(), 'gelu', ERF_BLOCK_BYTES, tail, tail);
    }
    const c = h.floats(pc, m * np);
    if (!cDirect) {
      if (np === n) out.set(c.subarray(0, m * n));
      else for (let i = 0; i < m; i++) out.set(c.subarray(i * np, i * np + n), i * n);
    }
  });
}

/** B in the kernel's layout (packedOffset: blocks of K in panels of 16 columns; columns past N are zeros). */
export interface PackedB {
  data: Float32Array;
  k: number;
  n: number;
}

/** Writes B, given element access `at(k, j)`, in panel layout into `data` (length k · N rounded up to PANEL). */
function packInto(data: Float32Array, k: number, n: number, at: (row: number, col: number) => number): void {
  data.fill(0);
  const np = roundUp(n, PANEL);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < n; j++) data[packedOffset(TILE, i, j, k, np)] = at(i, j);
  }
}

/** Packs B given element access `at(k, j)` into a heap block of its own (owned by the returned object). */
function pack(k: number, n: number, at: (row: number, col: number) => number): PackedB {
  const packed = Object.assign(ownedFloats(k * roundUp(n, PANEL)), { k, n });
  packInto(packed.data, k, n, at);
  return packed;
}

/** Bytes of B[K×N] packed. */
export function packedBytes(k: number, n: number): number {
  return k * roundUp(n, PANEL) * 4;
}

/**
 * Wᵀ for a PyTorch linear weight W[out×in] packed into the heap block at `at` (packedBytes(in, out) long), which
 * the caller owns; `w` must not overlap it.
 */
export function packTransposedAt(at: number, w: Float32Array, out: number, inF: number): PackedB {
  const data = heap().floats(at, packedBytes(inF, out) / 4);
  packInto(data, inF, out, (i, j) => w[j * inF + i]!);
  return { data, k: inF, n: out };
}

/** W[out×in] back from its packed Wᵀ. */
export function unpackTransposed(b: PackedB): Float32Array {
  const w = new Float32Array(b.n * b.k);
  const np = roundUp(b.n, PANEL);
  for (let j = 0; j < b.n; j++) {
    for (let i = 0; i < b.k; i++) w[j * b.k + i] = b.data[packedOffset(TILE, i, j, b.k, np)]!;
  }
  return w;
}

/** B[K×N] row-major. */
export function packB(b: Float32Array, k: number, n: number): PackedB {
  return pack(k, n, (i, j) => b[i * n + j]!);
}

/** Wᵀ for a PyTorch linear weight W[out×in]: B[in×out] for x·Wᵀ. */
export function packTransposed(w: Float32Array, out: number, inF: number): PackedB {
  return pack(inF, out, (i, j) => w[j * inF + i]!);
}
