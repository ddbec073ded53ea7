import { engine } from '../engine.js';
import { ArgumentError, fmtShape } from '../errors.js';
import type { DCNv3Info } from '../kernel_names.js';
import type { Tensor } from '../tensor.js';
import { convOutputSize } from '../shape.js';
import {
  assertBool, assertFiniteNumber, assertFloat, assertInt, assertKnownOptions, assertRank, assertShape, resolvePair,
} from '../validate.js';

type Pair = number | [number, number];

export interface DCNv3Options {
  /** Default 3. */
  kernelSize?: Pair;
  /** Default 1. */
  stride?: Pair;
  /** Default 1. */
  padding?: Pair;
  /** Default 1. */
  dilation?: Pair;
  /** Number of groups G (required). */
  group: number;
  /** Channels per group D (required); value has G·D channels. */
  groupChannels: number;
  /** σ: scales both the regular grid and the offsets. Default 1. */
  offsetScale?: number;
  /** Skip the centre point (odd square kernels only). Default false. */
  removeCenter?: boolean;
}

/**
 * The DCNv3 core operator (docs/internimage.md#the-dcnv3-operator): for every output pixel, group and point, a bilinear
 * sample of `value` at the offset-shifted grid location, weighted by `mask` and summed over the points.
 * value `[N,H,W,G·D]` (NHWC), offset `[N,Ho,Wo,G·P·2]` as (Δx, Δy) pairs, mask `[N,Ho,Wo,G·P]` (already
 * normalised), points in x-outer order. Returns `[N,Ho,Wo,G·D]`.
 */
export function dcnv3(value: Tensor, offset: Tensor, mask: Tensor, options: DCNv3Options): Tensor {
  const op = 'dcnv3';
  assertFloat(op, 'value', value);
  assertFloat(op, 'offset', offset);
  assertFloat(op, 'mask', mask);
  if (options === null || typeof options !== 'object') {
    throw new ArgumentError(op, 'options', 'an object with group and groupChannels', String(options));
  }
  assertKnownOptions(op, options, [
    'kernelSize', 'stride', 'padding', 'dilation', 'group', 'groupChannels', 'offsetScale', 'removeCenter',
  ]);
  assertRank(op, 'value', value, 4);
  const [kernelH, kernelW] = resolvePair(op, 'kernelSize', options.kernelSize ?? 3, 1);
  const [strideH, strideW] = resolvePair(op, 'stride', options.stride ?? 1, 1);
  const [padH, padW] = resolvePair(op, 'padding', options.padding ?? 1, 0);
  const [dilationH, dilationW] = resolvePair(op, 'dilation', options.dilation ?? 1, 1);
  const { group, groupChannels } = options;
  assertInt(op, 'group', group, 1);
  assertInt(op, 'groupChannels', groupChannels, 1);
  const offsetScale = options.offsetScale ?? 1;
  assertFiniteNumber(op, 'offsetScale', offsetScale);
  const removeCenter = options.removeCenter ?? false;
  assertBool(op, 'removeCenter', removeCenter);
  if (removeCenter && (kernelH !== kernelW || kernelH % 2 === 0)) {
    throw new ArgumentError(op, 'kernelSize', 'an odd square kernel when removeCenter is set', `${kernelH}x${kernelW}`);
  }
  const [batch, inH, inW, channels] = value.shape as [number, number, number, number];
  if (channels !== group * groupChannels) {
    throw new ArgumentError(op, 'value', `[N, H, W, ${group * groupChannels}] (group·groupChannels = ${group}·${groupChannels} channels)`, fmtShape(value.shape));
  }
  const outH = convOutputSize(inH, kernelH, strideH, 2 * padH, dilationH);
  const outW = convOutputSize(inW, kernelW, strideW, 2 * padW, dilationW);
  if (outH < 1 || outW < 1) {
    throw new ArgumentError(op, 'value', `spatially at least the kernel extent with padding (${kernelH}x${kernelW}, dilation ${dilationH}x${dilationW}, padding ${padH}x${padW})`, `${inH}x${inW}`);
  }
  const points = kernelH * kernelW - (removeCenter ? 1 : 0);
  assertShape(op, 'offset', offset, [batch, outH, outW, group * points * 2], `[${batch}, ${outH}, ${outW}, ${group * points * 2}] (N, Ho, Wo, G·P·2)`);
  assertShape(op, 'mask', mask, [batch, outH, outW, group * points], `[${batch}, ${outH}, ${outW}, ${group * points}] (N, Ho, Wo, G·P)`);
  const info: DCNv3Info = {
    batch, inH, inW, outH, outW, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW,
    group, groupChannels, offsetScale, removeCenter, points, outShape: [batch, outH, outW, channels],
  };
  return engine.runKernel('DCNv3', { value, offset, mask }, info);
}
