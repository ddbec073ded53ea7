// Kernel choices read from the environment once, so a wrong fast kernel can be bypassed without a rebuild:
//   INTERNIMAGE_CUDA_DCN=vec|simple        DCNv3: vectorised kernel (default) or one thread per output scalar
//   INTERNIMAGE_CUDA_GEMM=simt|tf32|3xtf32 Linear/MatMul: fp32 SIMT tiles (default, float32-exact), TF32 tensor
//                                          cores (fast, ~1e-3 relative error), or 3xTF32 (tensor cores, ~fp32 accuracy)
//   INTERNIMAGE_CUDA_CONV=auto|direct      Conv2D: implicit GEMM / depthwise kernels (default) or the direct kernel
//   INTERNIMAGE_CUDA_POISON=1              fill every kernel output with NaN (int32: -1) before the kernel runs

export type DcnVariant = 'vec' | 'simple';
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
    dcn: pick('INTERNIMAGE_CUDA_DCN', ['vec', 'simple'], 'vec'),
    gemm: pick('INTERNIMAGE_CUDA_GEMM', ['simt', 'tf32', '3xtf32'], 'simt'),
    conv: pick('INTERNIMAGE_CUDA_CONV', ['auto', 'direct'], 'auto'),
    poison: ['1', 'true'].includes(process.env.INTERNIMAGE_CUDA_POISON ?? ''),
  };
}

export const GEMM_MODE_CODE: Record<GemmMode, number> = { simt: 0, tf32: 1, '3xtf32': 2 };
export const DCN_VARIANT_CODE: Record<DcnVariant, number> = { vec: 0, simple: 1 };
export const CONV_VARIANT_CODE: Record<ConvVariant, number> = { auto: 0, direct: 1 };
