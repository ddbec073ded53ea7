// GEMM through the WASM microkernel: A is copied into the kernel's memory and C out of it; packed B operands (cached
// weights) stay resident in that memory after their first use, so a call copies only the activations.
import type { LinearActivation } from '@internimage/core';
import { ERF_BLOCK_BYTES } from './erf_kernel.js';
import { gemmModule, gemmTile } from './gemm_kernel.js';
import type { WasmKernel } from './wasm_runtime.js';
import { GemmThreads } from './threads.js';
import { instantiate, reserve } from './wasm_runtime.js';

type Gemm = (pa: number, pb: number, pc: number, m: number, n: number, k: number, pbias: number) => void;
type Exports = { gemm_rows: Gemm; gemm_panels: Gemm; gelu: (input: number, output: number, bytes: number) => void } &
  Record<`gemm_tail${number}`, Gemm | undefined>;

let instance: WasmKernel<Exports> | undefined;
// Shared memory, so that worker threads can run the same kernel on it.
const kernel = () => (instance ??= instantiate((fma) => gemmModule(fma, true), true));
let pool: GemmThreads | null = null;

// The tile is the same with and without fused multiply-add, so packed B does not depend on the runtime.
const { rows: TILE_ROWS, vectors } = gemmTile(true);
/** Columns per packed B panel. */
const PANEL = 4 * vectors;

/**
 * Threads for GEMM (the caller plus n − 1 workers); 1 (the default) runs everything on the calling thread.
 * Resolves when the workers are ready.
 */
export async function setThreads(n: number): Promise<void> {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setThreads: expected a positive integer, got ${n}`);
  const { module, memory } = kernel();
  await pool?.stop();
  pool = n > 1 ? await GemmThreads.start(n - 1, module, memory) : null;
}

export function getThreads(): number {
  return pool ? pool.helpers + 1 : 1;
}

/** Whether the kernel uses fused multiply-add (relaxed SIMD). */
export function gemmUsesFma(): boolean {
  return kernel().fma;
}

const roundUp = (v: number, m: number) => Math.ceil(v / m) * m;

// Resident packed B operands: the bottom of the kernel's memory, below the per-call scratch (A, bias, C). Regions of
// collected PackedB objects are reused (first fit); past RESIDENT_LIMIT bytes further operands are copied per call.
// Each region belongs to its PackedB for the object's lifetime, so its values are never overwritten while in use.
const RESIDENT_LIMIT = 512 * 2 ** 20;
const residentAt = new WeakMap<PackedB, number>();
const freeRegions: Array<{ at: number; bytes: number }> = [];
const released = new FinalizationRegistry<{ at: number; bytes: number }>((region) => freeRegions.push(region));
let residentEnd = 0;

/** Where `b` lives in the kernel's memory, placing it there on first use; undefined when over the limit. */
function resident(b: PackedB, memory: WebAssembly.Memory): number | undefined {
  let at = residentAt.get(b);
  if (at !== undefined) return at;
  const bytes = roundUp(b.data.byteLength, 64);
  const i = freeRegions.findIndex((r) => r.bytes >= bytes);
  if (i >= 0) {
    const region = freeRegions[i]!;
    at = region.at;
    if (region.bytes > bytes) Object.assign(region, { at: at + bytes, bytes: region.bytes - bytes });
    else freeRegions.splice(i, 1);
  } else if (residentEnd + bytes <= RESIDENT_LIMIT) {
    at = residentEnd;
    residentEnd += bytes;
    reserve(memory, residentEnd);
  } else {
    return undefined;
  }
  const view = new Float32Array(memory.buffer, at, b.data.length);
  view.set(b.data);
  // The memory is shared, and a shared buffer stays valid when the memory grows: the operand keeps its values as a
  // view of the resident copy, and its own copy can be collected.
  b.data = view;
  residentAt.set(b, at);
  released.register(b, { at, bytes });
  return at;
}

/**
 * C[M×N] = act(A[M×K] · B[K×N] (+ bias[N] on every row)). A row-major (a view is fine); B row-major or already
 * packed (packB / packTransposed: cache packed weights). The result is written to `out` (length ≥ M·N).
 */
export function gemm(
  a: Float32Array, b: Float32Array | PackedB, out: Float32Array, m: number, n: number, k: number, bias?: Float32Array,
  activation: LinearActivation = 'none',
): void {
  const { exports, memory } = kernel();
  const np = roundUp(n, PANEL);
  const packed = b instanceof Float32Array ? packB(b, k, n) : b;
  // A one-off packing (a MatMul operand) is not worth keeping.
  const placed = b instanceof Float32Array ? undefined : resident(packed, memory);
  const aBytes = m * k * 4;
  const bBytes = k * np * 4;
  const pa = roundUp(residentEnd, 64);
  const pbias = pa + roundUp(aBytes, 64);
  const pc = pbias + np * 4;
  const cBytes = roundUp(m * np * 4, ERF_BLOCK_BYTES);
  const pb = placed ?? roundUp(pc + cBytes, 64);
  reserve(memory, placed === undefined ? pb + bBytes : pc + cBytes);
  const heap = new Float32Array(memory.buffer);
  heap.set(a.subarray(0, m * k), pa / 4);
  if (placed === undefined) heap.set(packed.data, pb / 4);
  heap.fill(0, pbias / 4, pbias / 4 + np);
  if (bias) heap.set(bias.subarray(0, n), pbias / 4);
  // Keep the larger operand in cache: walk row tiles outside when A is the larger, column panels otherwise.
  const order = aBytes >= bBytes ? 0 : 1;
  const run = order === 0 ? exports.gemm_rows : exports.gemm_panels;
  // Whole row tiles first (split between threads), then the last m mod TILE_ROWS rows; each row's sums are the same
  // whichever function or thread computes them, so results do not depend on the thread count.
  const mMain = m - (m % TILE_ROWS);
  if (pool && mMain >= 2 * TILE_ROWS * (pool.helpers + 1)) {
    pool.run(order, pa, pb, pc, mMain, np, k, pbias, TILE_ROWS, (a, c, rows) => run(a, pb, c, rows, np, k, pbias));
  } else if (mMain > 0) {
    run(pa, pb, pc, mMain, np, k, pbias);
  }
  if (mMain < m) exports[`gemm_tail${m - mMain}`]!(pa + mMain * k * 4, pb, pc + mMain * np * 4, m - mMain, np, k, pbias);
  if (activation === 'gelu') exports.gelu(pc, pc, cBytes);
  if (np === n) out.set(heap.subarray(pc / 4, pc / 4 + m * n));
  else for (let i = 0; i < m; i++) out.set(heap.subarray(pc / 4 + i * np, pc / 4 + i * np + n), i * n);
}

/** B in the kernel's layout: panels of 16 columns, each K×16 contiguous (columns past N are zeros). */
export interface PackedB {
  data: Float32Array;
  k: number;
  n: number;
}

/** Packs B given element access `at(k, j)`. */
function pack(k: number, n: number, at: (row: number, col: number) => number): PackedB {
  const data = new Float32Array(k * roundUp(n, PANEL));
  for (let j = 0; j < n; j++) {
    const panel = Math.floor(j / PANEL) * k * PANEL + (j % PANEL);
    for (let i = 0; i < k; i++) data[panel + i * PANEL] = at(i, j);
  }
  return { data, k, n };
}

/** B[K×N] row-major. */
export function packB(b: Float32Array, k: number, n: number): PackedB {
  return pack(k, n, (i, j) => b[i * n + j]!);
}

/** Wᵀ for a PyTorch linear weight W[out×in]: B[in×out] for x·Wᵀ. */
export function packTransposed(w: Float32Array, out: number, inF: number): PackedB {
  return pack(inF, out, (i, j) => w[j * inF + i]!);
}
