import type { KernelConfig, KernelName } from '@internimage/core';
import { argMaxConfig } from './arg_max.js';
import { avgPool2dConfig } from './avg_pool2d.js';
import { batchNormConfig } from './batch_norm.js';
import { binaryConfig } from './binary.js';
import { castConfig } from './cast.js';
import { concatConfig } from './concat.js';
import { conv2dConfig } from './conv2d.js';
import { dcnv3Config } from './dcnv3.js';
import { layerNormConfig } from './layer_norm.js';
import { linearConfig } from './linear.js';
import { matMulConfig } from './mat_mul.js';
import { padConfig } from './pad.js';
import { pixelShuffleConfig } from './pixel_shuffle.js';
import { reduceConfig } from './reduce.js';
import { adaptiveAvgPool2dConfig, resizeBilinearConfig } from './resample.js';
import { sliceConfig } from './slice.js';
import { softmaxConfig } from './softmax.js';
import { transposeConfig } from './transpose.js';
import { unaryConfig } from './unary.js';

export const cudaKernels: ReadonlyArray<KernelConfig<KernelName>> = [
  argMaxConfig, avgPool2dConfig, batchNormConfig, binaryConfig, castConfig, concatConfig, conv2dConfig, dcnv3Config,
  layerNormConfig, linearConfig, matMulConfig, padConfig, pixelShuffleConfig, reduceConfig, sliceConfig,
  softmaxConfig, transposeConfig, unaryConfig,
  adaptiveAvgPool2dConfig, resizeBilinearConfig,
] as unknown as ReadonlyArray<KernelConfig<KernelName>>;
