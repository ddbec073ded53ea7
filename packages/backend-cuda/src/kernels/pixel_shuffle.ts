import { sizeOf, stridesOf } from '@internimage/core';
import { cudaKernel } from '../cuda_backend.js';
import { coalesce } from '../layout.js';

/**
 * NCHW pixel shuffle as a strided copy: the output [n, c, h·r, w·r] is [n, c, h, i, w, j] row-major, and its
 * element reads in[n, c·r² + i·r + j, y, x].
 */
export const pixelShuffleConfig = cudaKernel('PixelShuffle', ({ inputs: { x }, attrs: { upscale: r } }, be) => {
  const [n, cIn, h, w] = x.shape as [number, number, number, number];
  const c = cIn / (r * r);
  const out = be.alloc([n, c, h * r, w * r], x.dtype, 'PixelShuffle');
  if (sizeOf(x.shape) === 0) return out.info;
  const hw = h * w;
  const shape = [n, c, h, r, w, r];
  const src = [cIn * hw, r * r * hw, w, r * hw, 1, hw];
  const walk = coalesce(shape, src, stridesOf(shape));
  be.device.copy('PixelShuffle', be.ptr(x), out.ptr, 0, 0, walk.shape, walk.strides[0]!, walk.strides[1]!);
  return out.info;
});
