// GEMM through the WASM microkernel: operands are copied (zero-padded to the tile sizes) into the kernel's memory.
import v8 from 'node:v8';
import { gemmModule } from './gemm_kernel.js';

type Gemm = (pa: number, pb: number, pc: number, m: number, n: number, k: number) => void;

let instance: { gemm: Gemm; memory: WebAssembly.Memory; fma: boolean } | undefined;

/** Compiles the kernel once: with relaxed SIMD (fused multiply-add) where the runtime has it, plain SIMD otherwise. */
function kernel(): { gemm: Gemm; memory: WebAssembly.Memory; fma: boolean } {
  if (instance) return instance;
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536 });
  const build = (fma: boolean) => new WebAssembly.Instance(new WebAssembly.Module(gemmModule(fma)), { env: { memory } });
  let fma = false;
  let inst: WebAssembly.Instance;
  try {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    inst = build(true);
    fma = true;
  } catch {
    inst = build(false);
  }
  instance = { gemm: inst.exports.gemm as Gemm, memory, fma };
  return instance;
}

/** Whether the kernel uses fused multiply-add (relaxed SIMD). */
export function gemmUsesFma(): boolean {
  return kernel().fma;
}

const roundUp = (v: number, m: number) => Math.ceil(v / m) * m;

/**
 * C[M×N] = A[M×K] · B[K×N] (row-major). `a`/`b` may be views; the result is written to `out` (length ≥ M·N).
 * `bPacked` may hold B already padded to a multiple of 8 columns (see packB) to skip repacking cached weights.
 */
export function gemm(a: Float32Array, b: Float32Array | PackedB, out: Float32Array, m: number, n: number, k: number): void {
  const { gemm: run, memory } = kernel();
  const mp = roundUp(m, 4);
  const np = roundUp(n, 8);
  const aBytes = mp * k * 4;
  const bBytes = k * np * 4;
  const cBytes = mp * np * 4;
  const need = aBytes + bBytes + cBytes;
  if (memory.buffer.byteLength < need) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
  const heap = new Float32Array(memory.buffer);
  const pa = 0;
  const pb = aBytes;
  const pc = aBytes + bBytes;
  heap.set(a.subarray(0, m * k), pa / 4);
  heap.fill(0, pa / 4 + m * k, pa / 4 + mp * k);
  const packed = b instanceof Float32Array ? packB(b, k, n) : b;
  heap.set(packed.data, pb / 4);
  run(pa, pb, pc, mp, np, k);
  if (np === n) out.set(heap.subarray(pc / 4, pc / 4 + m * n));
  else for (let i = 0; i < m; i++) out.set(heap.subarray(pc / 4 + i * np, pc / 4 + i * np + n), i * n);
}

export interface PackedB {
  data: Float32Array;
  k: number;
  n: number;
}

/** B[K×N] padded with zero columns to a multiple of 8. */
export function packB(b: Float32Array, k: number, n: number): PackedB {
  const np = roundUp(n, 8);
  if (np === n) return { data: b.subarray(0, k * n), k, n };
  const data = new Float32Array(k * np);
  for (let i = 0; i < k; i++) data.set(b.subarray(i * n, i * n + n), i * np);
  return { data, k, n };
}

/** Wᵀ for a PyTorch linear weight W[out×in], padded: B[in×out'] for x·Wᵀ. */
export function packTransposed(w: Float32Array, out: number, inF: number): PackedB {
  const np = roundUp(out, 8);
  const data = new Float32Array(inF * np);
  for (let o = 0; o < out; o++) for (let i = 0; i < inF; i++) data[i * np + o] = w[o * inF + i]!;
  return { data, k: inF, n: out };
}
