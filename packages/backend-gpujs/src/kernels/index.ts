import type { KernelName } from '@internimage/core';
import { adaptiveAvgPool2dKernel } from './adaptive_avg_pool2d.js';
import { argMaxKernel } from './arg_max.js';
import { avgPool2dKernel } from './avg_pool2d.js';
import { batchNormKernel } from './batch_norm.js';
import { binaryKernel } from './binary.js';
import { castKernel } from './cast.js';
import { concatKernel } from './concat.js';
import { conv2dKernel } from './conv2d.js';
import { dcnv3Kernel } from './dcnv3.js';
import type { GpujsKernelSpec } from './kernel.js';
import { layerNormKernel } from './layer_norm.js';
import { linearKernel } from './linear.js';
import { matMulKernel } from './mat_mul.js';
import { padKernel } from './pad.js';
import { pixelShuffleKernel } from './pixel_shuffle.js';
import { reduceKernel } from './reduce.js';
import { resizeBilinearKernel } from './resize_bilinear.js';
import { sliceKernel } from './slice.js';
import { softmaxKernel } from './softmax.js';
import { transposeKernel } from './transpose.js';
import { unaryKernel } from './unary.js';

/** Every kernel InternImage and the conformance suite use, all computed by gpu.js on the backend's device. */
export const gpujsKernels: ReadonlyArray<GpujsKernelSpec<KernelName>> = [
  argMaxKernel, avgPool2dKernel, batchNormKernel, binaryKernel, castKernel, concatKernel, conv2dKernel, dcnv3Kernel,
  layerNormKernel, linearKernel, matMulKernel, padKernel, pixelShuffleKernel, reduceKernel, sliceKernel, softmaxKernel,
  transposeKernel, unaryKernel,
  adaptiveAvgPool2dKernel, resizeBilinearKernel,
] as unknown as ReadonlyArray<GpujsKernelSpec<KernelName>>;
