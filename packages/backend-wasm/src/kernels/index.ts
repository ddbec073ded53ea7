import { referenceKernels } from '@internimage/backend-cpu/shared';
import type { KernelConfig, KernelName } from '@internimage/core';
import { binaryConfig } from './binary.js';
import { conv2dConfig } from './conv2d.js';
import { dcnv3Config } from './dcnv3.js';
import { layerNormConfig } from './layer_norm.js';
import { linearConfig } from './linear.js';
import { matMulConfig } from './mat_mul.js';
import { reduceConfig } from './reduce.js';
import { softmaxConfig } from './softmax.js';
import { transposeConfig } from './transpose.js';
import { unaryConfig } from './unary.js';

/** Kernels this backend computes its own way. */
export const fastKernels: ReadonlyArray<KernelConfig<KernelName>> = [
  binaryConfig, conv2dConfig, dcnv3Config, layerNormConfig, linearConfig, matMulConfig, reduceConfig, softmaxConfig, transposeConfig,
  unaryConfig,
] as unknown as ReadonlyArray<KernelConfig<KernelName>>;

/**
 * Every kernel of the backend: its own, and for the rest the reference kernels, which run unchanged on the same
 * typed-array storage (a deliberate, complete kernel set, not a fallback at run time).
 */
export const wasmKernels: ReadonlyArray<KernelConfig<KernelName>> = [
  ...fastKernels,
  ...referenceKernels
    .filter((k) => !fastKernels.some((f) => f.kernelName === k.kernelName))
    .map((k) => ({ ...k, backendName: 'wasm' })),
];
