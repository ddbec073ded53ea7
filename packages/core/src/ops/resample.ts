// Resampling an image to a requested spatial size: bilinear resize and adaptive average pooling, with PyTorch's
// index arithmetic (the formulas are stated once, on the kernels in kernel_names.ts).
import { engine } from '../engine.js';
import { ArgumentError } from '../errors.js';
import type { DataFormat, Resample2DInfo, ResizeBilinearInfo } from '../kernel_names.js';
import type { Tensor } from '../tensor.js';
import { assertBool, assertFloat, assertInt, assertKnownOptions, assertOneOf, assertRank, describe, resolvePair } from '../validate.js';

function resampleInfo(op: string, x: Tensor, dataFormat: unknown, outH: number, outW: number): Resample2DInfo {
  assertOneOf(op, 'dataFormat', dataFormat, ['NCHW', 'NHWC']);
  const [batch, channels, inH, inW] = dataFormat === 'NCHW'
    ? x.shape as [number, number, number, number]
    : [x.shape[0]!, x.shape[3]!, x.shape[1]!, x.shape[2]!];
  if (inH < 1 || inW < 1) {
    throw new ArgumentError(op, 'x', 'spatially at least 1x1', `${inH}x${inW} (${dataFormat})`);
  }
  const outShape = dataFormat === 'NCHW' ? [batch, channels, outH, outW] : [batch, outH, outW, channels];
  return { dataFormat, batch, channels, inH, inW, outH, outW, outShape };
}

/** PyTorch's area_pixel_compute_scale in float32 (the computation type for float32 tensors). */
function sourceScale(inSize: number, outSize: number, alignCorners: boolean): number {
  if (alignCorners) return outSize > 1 ? Math.fround((inSize - 1) / (outSize - 1)) : 0;
  return Math.fround(inSize / outSize);
}

/**
 * Bilinear resize of a 4-D image to `size` = [outH, outW], as PyTorch's
 * `F.interpolate(x, size, mode='bilinear', align_corners)`: no antialiasing, so downscaling samples rather than
 * averages. Default layout NCHW.
 */
export function resizeBilinear(
  x: Tensor,
  size: [number, number],
  options: { alignCorners?: boolean; dataFormat?: DataFormat } = {},
): Tensor {
  const op = 'resizeBilinear';
  assertFloat(op, 'x', x);
  assertRank(op, 'x', x, 4);
  assertKnownOptions(op, options, ['alignCorners', 'dataFormat']);
  const { alignCorners = false, dataFormat = 'NCHW' } = options;
  if (!Array.isArray(size) || size.length !== 2) throw new ArgumentError(op, 'size', 'a pair [outH, outW]', describe(size));
  assertInt(op, 'size[0]', size[0], 1);
  assertInt(op, 'size[1]', size[1], 1);
  assertBool(op, 'alignCorners', alignCorners);
  const g = resampleInfo(op, x, dataFormat, size[0], size[1]);
  const info: ResizeBilinearInfo = {
    ...g, alignCorners, scaleH: sourceScale(g.inH, g.outH, alignCorners), scaleW: sourceScale(g.inW, g.outW, alignCorners),
  };
  return engine.runKernel('ResizeBilinear', { x }, info);
}

/**
 * Average pooling into a fixed grid of `outputSize` bins ([outH, outW] or one number for both), as PyTorch's
 * AdaptiveAvgPool2d: bin i spans [floor(i·in/out), ceil((i+1)·in/out)), so neighbouring bins may overlap.
 */
export function adaptiveAvgPool2d(
  x: Tensor,
  outputSize: [number, number] | number,
  options: { dataFormat?: DataFormat } = {},
): Tensor {
  const op = 'adaptiveAvgPool2d';
  assertFloat(op, 'x', x);
  assertRank(op, 'x', x, 4);
  assertKnownOptions(op, options, ['dataFormat']);
  const { dataFormat = 'NCHW' } = options;
  const [outH, outW] = resolvePair(op, 'outputSize', outputSize, 1);
  return engine.runKernel('AdaptiveAvgPool2D', { x }, resampleInfo(op, x, dataFormat, outH, outW));
}
