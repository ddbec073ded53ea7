// GEMM through the WASM microkernel: operands are copied (zero-padded to the tile sizes) into the kernel's memory.
import { TILE_ROWS, gemmModule } from './gemm_kernel.js';
import type { WasmKernel } from './wasm_runtime.js';
import { GemmThreads } from './threads.js';
import { instantiate, reserve } from './wasm_runtime.js';

type Gemm = (pa: number, pb: number, pc: number, m: number, n: number, k: number, pbias: number) => void;

let instance: WasmKernel<{ gemm_rows: Gemm; gemm_panels: Gemm }> | undefined;
// Shared memory, so that worker threads can run the same kernel on it.
const kernel = () => (instance ??= instantiate((fma) => gemmModule(fma, true), true));
let pool: GemmThreads | null = null;

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

/**
 * C[M×N] = A[M×K] · B[K×N] (+ bias[N] on every row). A row-major (a view is fine); B row-major or already packed
 * (packB / packTransposed: cache packed weights). The result is written to `out` (length ≥ M·N).
 */
export function gemm(a: Float32Array, b: Float32Array | PackedB, out: Float32Array, m: number, n: number, k: number, bias?: Float32Array): void {
  const { exports: { gemm_rows: rows, gemm_panels: panels }, memory } = kernel();
  const mp = roundUp(m, TILE_ROWS);
  const np = roundUp(n, 8);
  const kp = roundUp(k, 4);
  const aBytes = mp * kp * 4;
  const bBytes = kp * np * 4;
  const biasBytes = np * 4;
  const cBytes = mp * np * 4;
  const need = aBytes + bBytes + biasBytes + cBytes;
  reserve(memory, need);
  const heap = new Float32Array(memory.buffer);
  const pa = 0;
  const pb = aBytes;
  const pbias = pb + bBytes;
  const pc = pbias + biasBytes;
  if (kp === k) heap.set(a.subarray(0, m * k), pa / 4);
  else {
    for (let i = 0; i < m; i++) {
      heap.set(a.subarray(i * k, (i + 1) * k), pa / 4 + i * kp);
      heap.fill(0, pa / 4 + i * kp + k, pa / 4 + (i + 1) * kp);
    }
  }
  heap.fill(0, pa / 4 + m * kp, pa / 4 + mp * kp);
  const packed = b instanceof Float32Array ? packB(b, k, n) : b;
  heap.set(packed.data, pb / 4);
  heap.fill(0, pbias / 4, pbias / 4 + np);
  if (bias) heap.set(bias.subarray(0, n), pbias / 4);
  // Keep the larger operand in cache: walk row tiles outside when A is the larger, column panels otherwise.
  const order = aBytes >= bBytes ? 0 : 1;
  const run = order === 0 ? rows : panels;
  if (pool && mp >= 2 * TILE_ROWS * (pool.helpers + 1)) {
    pool.run(order, pa, pb, pc, mp, np, kp, pbias, TILE_ROWS, (a, c, m) => run(a, pb, c, m, np, kp, pbias));
  } else {
    run(pa, pb, pc, mp, np, kp, pbias);
  }
  if (np === n) out.set(heap.subarray(pc / 4, pc / 4 + m * n));
  else for (let i = 0; i < m; i++) out.set(heap.subarray(pc / 4 + i * np, pc / 4 + i * np + n), i * n);
}

/** B in the kernel's layout: panels of 8 columns, each K'×8 contiguous (K' = K rounded up to 4; zero padding). */
export interface PackedB {
  data: Float32Array;
  k: number;
  n: number;
}

/** Packs B given element access `at(k, j)`. */
function pack(k: number, n: number, at: (row: number, col: number) => number): PackedB {
  const kp = roundUp(k, 4);
  const data = new Float32Array(kp * roundUp(n, 8));
  for (let j = 0; j < n; j++) {
    const panel = (j >> 3) * kp * 8 + (j & 7);
    for (let i = 0; i < k; i++) data[panel + i * 8] = at(i, j);
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
