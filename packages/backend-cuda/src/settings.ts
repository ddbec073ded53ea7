// Kernel choices read from the environment once, so a wrong fast kernel can be bypassed without a rebuild:
//   INTERNIMAGE_CUDA_DCN=vec|simple|…      DCNv3: vectorised kernel (default), one thread per output scalar, or a
//                                          fast candidate (3×3 kernels; falls back to vec where its preconditions
//                                          fail; compared by `npm run bench:cuda-dcn`):
//     item        one thread per (n,ho,wo,g) item (≤ 64 bytes of channels a thread; more threads for larger D),
//                 offsets/mask read directly by each thread, 128 threads a block
//     item256     item with 256 threads a block          item64     item with 64 threads a block
//     item-smem   item, offsets/mask staged in shared memory with 16-byte loads
//     pair        two threads an item, 256 a block       pair-smem  pair with shared-memory staging
//     quad        four threads an item (16 bytes each), 256 a block
//     item-h2     item, float16 only: each point's 4-corner sum in half2 (__hfma2), float accumulation across points
//     pair-h2     pair with the half2 point sums
//     item-occ    item with registers capped at 64 (full occupancy)   item-ilp  item with up to 255 registers
//     quad-smem   quad with shared-memory staging of offsets/mask
//     tile        one block per (image, group, band of ≤ 8 output rows): the band's input rows (|Δ| ≤ 1 halo) of
//                 the group's channels copied to shared memory, corners gathered from there (global beyond it)
//     tile4, tile16  bands of ≤ 4 / ≤ 16 rows    tile-h2  tile with half2 point sums (float16)
//     tile-occ    tile with registers capped at 64
//     tile-so     tile with each pass's offsets/mask staged in shared memory      tile-so-h2  tile-so with half2 sums
//   INTERNIMAGE_CUDA_GEMM=simt|tf32|3xtf32 Linear/MatMul: fp32 SIMT tiles (default, float32-exact), TF32 tensor
//                                          cores (fast, ~1e-3 relative error), or 3xTF32 (tensor cores, ~fp32 accuracy)
//   INTERNIMAGE_CUDA_CONV=auto|direct      Conv2D: implicit GEMM / depthwise kernels (default) or the direct kernel
//   INTERNIMAGE_CUDA_POISON=1              fill every kernel output with NaN (int32: -1) before the kernel runs

/** DCNv3 kernel names, in the order of their DcnArgs.variant codes (kernels/cuda/dcnv3.cu). */
export const DCN_VARIANTS = [
  'vec', 'simple', 'item', 'item256', 'item64', 'item-smem', 'pair', 'pair-smem', 'quad', 'item-h2', 'pair-h2',
  'item-occ', 'item-ilp', 'quad-smem', 'tile', 'tile4', 'tile16', 'tile-h2', 'tile-occ', 'tile-so', 'tile-so-h2',
] as const;
export type DcnVariant = (typeof DCN_VARIANTS)[number];
export type GemmMode = 'simt' | 'tf32' | '3xtf32';
export type ConvVariant = 'auto' | 'direct';

export interface CudaSettings {
  dcn: DcnVariant;
  gemm: GemmMode;
  conv: ConvVariant;
  poison: boolean;
}

function pick<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  if (!(allowed as readonly string[]).includes(v)) {
    throw new Error(`${name}='${v}' is not one of ${allowed.join(', ')}`);
  }
  return v as T;
}

export function settingsFromEnv(): CudaSettings {
  return {
    dcn: pick('INTERNIMAGE_CUDA_DCN', DCN_VARIANTS, 'vec'),
    gemm: pick('INTERNIMAGE_CUDA_GEMM', ['simt', 'tf32', '3xtf32'], 'simt'),
    conv: pick('INTERNIMAGE_CUDA_CONV', ['auto', 'direct'], 'auto'),
    poison: ['1', 'true'].includes(process.env.INTERNIMAGE_CUDA_POISON ?? ''),
  };
}

export const GEMM_MODE_CODE: Record<GemmMode, number> = { simt: 0, tf32: 1, '3xtf32': 2 };
export const DCN_VARIANT_CODE: Record<DcnVariant, number> = Object.fromEntries(
  DCN_VARIANTS.map((name, code) => [name, code]),
) as Record<DcnVariant, number>;
export const CONV_VARIANT_CODE: Record<ConvVariant, number> = { auto: 0, direct: 1 };
