import { engine } from '../engine.js';
import { ArgumentError, fmtShape } from '../errors.js';
import type { Conv2DInfo, DataFormat, Pool2DInfo } from '../kernel_names.js';
import type { Tensor } from '../tensor.js';
import { convOutputSize } from '../shape.js';
import {
  assertBool, assertFloat, assertInt, assertKnownOptions, assertOneOf, assertRank, assertShape, describe,
  resolvePair,
} from '../validate.js';

type Pair = number | [number, number];
/** An int, [h, w] (symmetric, as PyTorch) or [top, bottom, left, right]. */
export type Padding = number | [number, number] | [number, number, number, number];

export interface Conv2DOptions {
  bias?: Tensor;
  stride?: Pair;
  padding?: Padding;
  dilation?: Pair;
  groups?: number;
  /** Layout of x and of the output; the weight is OIHW either way. Default 'NCHW'. */
  dataFormat?: DataFormat;
}

function resolvePadding(op: string, v: unknown): [number, number, number, number] {
  if (Array.isArray(v) && v.length === 4) {
    v.forEach((p, i) => assertInt(op, `padding[${i}]`, p, 0));
    return v as [number, number, number, number];
  }
  if (typeof v === 'number' || (Array.isArray(v) && v.length === 2)) {
    const [h, w] = resolvePair(op, 'padding', v, 0);
    return [h, h, w, w];
  }
  throw new ArgumentError(op, 'padding', 'an integer >= 0, [h, w] or [top, bottom, left, right]', describe(v));
}

/** Spatial geometry shared by convolution and pooling. */
function spatial(
  op: string, x: Tensor, dataFormat: DataFormat, k: [number, number], stride: [number, number],
  pad: [number, number, number, number], dil: [number, number],
) {
  const [batch, channels, inH, inW] = dataFormat === 'NCHW'
    ? x.shape as [number, number, number, number]
    : [x.shape[0]!, x.shape[3]!, x.shape[1]!, x.shape[2]!];
  const effH = dil[0] * (k[0] - 1) + 1;
  const effW = dil[1] * (k[1] - 1) + 1;
  const outH = convOutputSize(inH, k[0], stride[0], pad[0] + pad[1], dil[0]);
  const outW = convOutputSize(inW, k[1], stride[1], pad[2] + pad[3], dil[1]);
  if (outH < 1 || outW < 1) {
    throw new ArgumentError(op, 'x', `spatially at least the padded kernel extent ${effH}x${effW}`, `${inH}x${inW} with padding [${pad.join(', ')}]`);
  }
  return { batch, channels, inH, inW, outH, outW, padTop: pad[0], padLeft: pad[2] };
}

function outShapeFor(dataFormat: DataFormat, n: number, c: number, h: number, w: number): number[] {
  return dataFormat === 'NCHW' ? [n, c, h, w] : [n, h, w, c];
}

/** 2-D convolution (cross-correlation, as PyTorch) with weights OIHW `[out, in/groups, kH, kW]`. */
export function conv2d(x: Tensor, weight: Tensor, options: Conv2DOptions = {}): Tensor {
  const op = 'conv2d';
  assertFloat(op, 'x', x);
  assertFloat(op, 'weight', weight);
  assertKnownOptions(op, options, ['bias', 'stride', 'padding', 'dilation', 'groups', 'dataFormat']);
  assertRank(op, 'x', x, 4);
  assertRank(op, 'weight', weight, 4);
  const dataFormat = options.dataFormat ?? 'NCHW';
  assertOneOf(op, 'dataFormat', dataFormat, ['NCHW', 'NHWC']);
  const groups = options.groups ?? 1;
  assertInt(op, 'groups', groups, 1);
  const stride = resolvePair(op, 'stride', options.stride ?? 1, 1);
  const dil = resolvePair(op, 'dilation', options.dilation ?? 1, 1);
  const pad = resolvePadding(op, options.padding ?? 0);
  const [outC, inPerGroup, kH, kW] = weight.shape as [number, number, number, number];
  const inChannels = dataFormat === 'NCHW' ? x.shape[1]! : x.shape[3]!;
  if (inChannels % groups !== 0) {
    throw new ArgumentError(op, 'groups', `a divisor of the input channels (${inChannels})`, String(groups));
  }
  if (outC % groups !== 0) {
    throw new ArgumentError(op, 'weight', `out channels divisible by groups (${groups})`, `shape ${fmtShape(weight.shape)}`);
  }
  if (inPerGroup !== inChannels / groups || kH < 1 || kW < 1) {
    throw new ArgumentError(op, 'weight', `of shape [out, ${inChannels / groups} (= in channels / groups), kH >= 1, kW >= 1]`, fmtShape(weight.shape));
  }
  if (options.bias !== undefined) {
    assertFloat(op, 'bias', options.bias);
    assertShape(op, 'bias', options.bias, [outC], `[${outC}] (out channels of weight)`);
  }
  const g = spatial(op, x, dataFormat, [kH, kW], stride, pad, dil);
  const info: Conv2DInfo = {
    dataFormat, batch: g.batch, inChannels, inH: g.inH, inW: g.inW, outChannels: outC, outH: g.outH, outW: g.outW,
    kH, kW, strideH: stride[0], strideW: stride[1], padTop: g.padTop, padLeft: g.padLeft,
    dilationH: dil[0], dilationW: dil[1], groups, outShape: outShapeFor(dataFormat, g.batch, outC, g.outH, g.outW),
  };
  return engine.runKernel('Conv2D', { x, weight, bias: options.bias }, info);
}

export interface AvgPool2DOptions {
  kernelSize: Pair;
  /** Default: kernelSize. */
  stride?: Pair;
  padding?: Padding;
  /** Count zero padding in the divisor (PyTorch's default, true). */
  countIncludePad?: boolean;
  dataFormat?: DataFormat;
}

export function avgPool2d(x: Tensor, options: AvgPool2DOptions): Tensor {
  const op = 'avgPool2d';
  assertFloat(op, 'x', x);
  if (options === null || typeof options !== 'object') throw new ArgumentError(op, 'options', 'an object with kernelSize', describe(options));
  assertKnownOptions(op, options, ['kernelSize', 'stride', 'padding', 'countIncludePad', 'dataFormat']);
  assertRank(op, 'x', x, 4);
  const dataFormat = options.dataFormat ?? 'NCHW';
  assertOneOf(op, 'dataFormat', dataFormat, ['NCHW', 'NHWC']);
  const k = resolvePair(op, 'kernelSize', options.kernelSize, 1);
  const stride = resolvePair(op, 'stride', options.stride ?? k, 1);
  const pad = resolvePadding(op, options.padding ?? 0);
  if (pad[0] + pad[1] > k[0] || pad[2] + pad[3] > k[1]) {
    throw new ArgumentError(op, 'padding', `at most half the kernel size (${k.join('x')}) on each side`, `[${pad.join(', ')}]`);
  }
  const countIncludePad = options.countIncludePad ?? true;
  assertBool(op, 'countIncludePad', countIncludePad);
  const g = spatial(op, x, dataFormat, k, stride, pad, [1, 1]);
  const info: Pool2DInfo = {
    dataFormat, batch: g.batch, channels: g.channels, inH: g.inH, inW: g.inW, outH: g.outH, outW: g.outW,
    kH: k[0], kW: k[1], strideH: stride[0], strideW: stride[1], padTop: g.padTop, padLeft: g.padLeft, countIncludePad,
    outShape: outShapeFor(dataFormat, g.batch, g.channels, g.outH, g.outW),
  };
  return engine.runKernel('AvgPool2D', { x }, info);
}

/** Mean over the spatial axes: `[N, C]` (or `[N, C, 1, 1]` / `[N, 1, 1, C]` with keepDims). */
export function globalAvgPool2d(x: Tensor, options: { dataFormat?: DataFormat; keepDims?: boolean } = {}): Tensor {
  const op = 'globalAvgPool2d';
  assertFloat(op, 'x', x);
  assertKnownOptions(op, options, ['dataFormat', 'keepDims']);
  assertRank(op, 'x', x, 4);
  const dataFormat = options.dataFormat ?? 'NCHW';
  assertOneOf(op, 'dataFormat', dataFormat, ['NCHW', 'NHWC']);
  const keepDims = options.keepDims ?? false;
  assertBool(op, 'keepDims', keepDims);
  const axes = dataFormat === 'NCHW' ? [2, 3] : [1, 2];
  return engine.runKernel('Reduce', { x }, { op: 'mean', axes, keepDims });
}
