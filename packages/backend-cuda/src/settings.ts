// Kernel choices read from the environment once, so a wrong fast kernel can be bypassed without a rebuild:
//   INTERNIMAGE_CUDA_DCN=auto|vec|simple|item|pair|quad
//                                          DCNv3: auto (default) is the fast 3×3 kernel with four threads an item in
//                                          float32 and one in float16 (fastest at every InternImage-T stage shape on
//                                          an H200, `npm run bench:cuda-dcn`); item/pair/quad force 1/2/4 threads an
//                                          item; vec is the vectorised kernel (also what the fast kernel falls back to
//                                          for other kernel sizes or unaligned channels); simple is one thread per
//                                          output scalar, the operator's loop written out
//   INTERNIMAGE_CUDA_GEMM=simt|tf32|3xtf32 Linear/MatMul: fp32 SIMT tiles (default, float32-exact), TF32 tensor
//                                          cores (fast, ~1e-3 relative error), or 3xTF32 (tensor cores, ~fp32 accuracy)
//   INTERNIMAGE_CUDA_CONV=auto|direct      Conv2D: implicit GEMM / depthwise kernels (default) or the direct kernel
//   INTERNIMAGE_CUDA_POISON=1              fill every kernel output with core's POISON (NaN; int32 -2^31) first
import { poisonEnabled } from '@internimage/core';

/** DCNv3 kernel names, in the order of the DcnVariant enum (kernels/cuda/api.h). */
export const DCN_VARIANTS = ['auto', 'simple', 'vec', 'item', 'pair', 'quad'] as const;
export type DcnVariant = (typeof DCN_VARIANTS)[number];
export type GemmMode = 'simt' | 'tf32' | '3xtf32';
/** Conv2D kernel names, in the order of the ConvVariant enum (kernels/cuda/api.h). */
export const CONV_VARIANTS = ['auto', 'direct'] as const;
export type ConvVariant = (typeof CONV_VARIANTS)[number];

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
    dcn: pick('INTERNIMAGE_CUDA_DCN', DCN_VARIANTS, 'auto'),
    gemm: pick('INTERNIMAGE_CUDA_GEMM', ['simt', 'tf32', '3xtf32'], 'simt'),
    conv: pick('INTERNIMAGE_CUDA_CONV', CONV_VARIANTS, 'auto'),
    poison: poisonEnabled('INTERNIMAGE_CUDA_POISON', process.env.INTERNIMAGE_CUDA_POISON),
  };
}

export const GEMM_MODE_CODE: Record<GemmMode, number> = { simt: 0, tf32: 1, '3xtf32': 2 };
const codes = <T extends string>(names: readonly T[]) =>
  Object.fromEntries(names.map((name, code) => [name, code])) as Record<T, number>;
export const DCN_VARIANT_CODE = codes(DCN_VARIANTS);
export const CONV_VARIANT_CODE = codes(CONV_VARIANTS);
