import type { ImageStrides } from '@internimage/core';

/** Sum of the image plane at `base` over rows [y0, y1) and columns [x0, x1), row by row (the pooling kernels' order). */
export function windowSum(
  xv: ArrayLike<number>,
  base: number,
  xs: ImageStrides,
  y0: number,
  y1: number,
  x0: number,
  x1: number,
): number {
  let acc = 0;
  for (let iy = y0; iy < y1; iy++) {
    for (let ix = x0; ix < x1; ix++) acc += xv[base + iy * xs.h + ix * xs.w]!;
  }
  return acc;
}
