// The segmentation test pipeline of the official configs (mmseg 0.27 / mmcv 1.5): imrescale to img_scale keeping the
// aspect ratio (small images are enlarged), imresize_to_multiple(32) (a second resize, not padding), both OpenCV
// uint8 INTER_LINEAR, then (x − mean) / std in RGB order, as float32 NCHW.
import { ArgumentError } from '@internimage/core';
import { resizeLinearCv } from './cv_resize.js';
import type { Image8 } from './resize.js';
import { toRGB } from './transform.js';

/** mmseg's ADE20K Normalize: ImageNet mean and std on the 0–255 scale, RGB. */
export const SEG_MEAN: readonly [number, number, number] = [123.675, 116.28, 103.53];
export const SEG_STD: readonly [number, number, number] = [58.395, 57.12, 57.375];

/** mmcv.rescale_size: the largest size within `scale` (long and short bounds, either order) keeping the ratio. */
export function rescaleSize(width: number, height: number, scale: readonly [number, number]): [number, number] {
  const long = Math.max(...scale);
  const short = Math.min(...scale);
  const factor = Math.min(long / Math.max(height, width), short / Math.min(height, width));
  // Python's int(x + 0.5) on positive numbers.
  return [Math.trunc(width * factor + 0.5), Math.trunc(height * factor + 0.5)];
}

/** The network input size (width, height) for an image: rescaled, then each side rounded up to a multiple. */
export function segInputSize(width: number, height: number, imgScale: readonly [number, number], sizeDivisor = 32): [number, number] {
  const [w, h] = rescaleSize(width, height, imgScale);
  return [Math.ceil(w / sizeDivisor) * sizeDivisor, Math.ceil(h / sizeDivisor) * sizeDivisor];
}

export interface SegPreprocessed {
  /** `[3, h, w]` float32, normalised. */
  data: Float32Array;
  width: number;
  height: number;
}

export function checkImgScale(op: string, imgScale: unknown): asserts imgScale is [number, number] {
  if (!Array.isArray(imgScale) || imgScale.length !== 2 || !imgScale.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new ArgumentError(op, 'imgScale', '[long, short] bounds, two positive integers (e.g. [2048, 512])', JSON.stringify(imgScale));
  }
}

/** The whole test pipeline on an 8-bit image (gray, RGB or RGBA; alpha is dropped as cv2.IMREAD_COLOR does). */
export function segPreprocess(
  img: Image8, imgScale: readonly [number, number], options: { sizeDivisor?: number; mean?: readonly number[]; std?: readonly number[] } = {},
): SegPreprocessed {
  checkImgScale('segPreprocess', imgScale);
  if (img.data.length !== img.width * img.height * img.channels) {
    throw new ArgumentError('segPreprocess', 'image.data', `${img.width}·${img.height}·${img.channels} bytes`, `${img.data.length}`);
  }
  const divisor = options.sizeDivisor ?? 32;
  const mean = options.mean ?? SEG_MEAN;
  const std = options.std ?? SEG_STD;
  const rgb = toRGB(img);
  const [rw, rh] = rescaleSize(rgb.width, rgb.height, imgScale);
  const rescaled = resizeLinearCv(rgb, rw, rh);
  const sized = resizeLinearCv(rescaled, Math.ceil(rw / divisor) * divisor, Math.ceil(rh / divisor) * divisor);
  const plane = sized.width * sized.height;
  const data = new Float32Array(3 * plane);
  // float32 arithmetic throughout, which equals mmcv.imnormalize's cv2.subtract / cv2.multiply for every uint8 value.
  const mean32 = mean.map(Math.fround);
  const std32 = std.map(Math.fround);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) data[c * plane + i] = Math.fround(sized.data[i * 3 + c]! - mean32[c]!) / std32[c]!;
  }
  return { data, width: sized.width, height: sized.height };
}
