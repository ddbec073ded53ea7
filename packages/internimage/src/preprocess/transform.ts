// The official evaluation transform (docs/internimage.md#preprocessing): shorter side to S (Pillow bicubic), centre
// crop S×S, scale to [0, 1], normalise with the ImageNet mean and std; output NCHW float32.
import { ArgumentError } from '@internimage/core';
import type { Image8 } from './resize.js';
import { resizeBicubic } from './resize.js';

export const IMAGENET_MEAN: readonly [number, number, number] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: readonly [number, number, number] = [0.229, 0.224, 0.225];

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Gray (1 channel) → RGB; RGBA → RGB (alpha dropped, as PIL's convert('RGB')); RGB unchanged. */
export function toRGB(img: Image8): Image8 {
  if (img.channels === 3) return img;
  if (img.channels !== 1 && img.channels !== 4) {
    throw new ArgumentError('toRGB', 'image.channels', '1, 3 or 4', String(img.channels));
  }
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) out[i * 3 + c] = img.channels === 1 ? img.data[i]! : img.data[i * 4 + c]!;
  }
  return { data: out, width: img.width, height: img.height, channels: 3 };
}

/** Resizes the shorter side to `size` (the longer to ⌊size·long/short⌋, as torchvision) and crops the centre. */
export function resizeAndCrop(img: Image8, size: number): Image8 {
  const { width: w, height: h } = img;
  const [rw, rh] = w <= h ? [size, Math.floor((size * h) / w)] : [Math.floor((size * w) / h), size];
  const resized = rw === w && rh === h ? img : resizeBicubic(img, rw, rh);
  const top = roundHalfEven((rh - size) / 2);
  const left = roundHalfEven((rw - size) / 2);
  const out = new Uint8Array(size * size * img.channels);
  for (let y = 0; y < size; y++) {
    const from = ((top + y) * rw + left) * img.channels;
    out.set(resized.data.subarray(from, from + size * img.channels), y * size * img.channels);
  }
  return { data: out, width: size, height: size, channels: img.channels };
}

/** The whole transform: `[3, S, S]` float32 values (NCHW without the batch axis). */
export function preprocess(img: Image8, size: number, mean = IMAGENET_MEAN, std = IMAGENET_STD): Float32Array {
  if (!Number.isInteger(size) || size < 1) throw new ArgumentError('preprocess', 'size', 'a positive integer', String(size));
  if (img.data.length !== img.width * img.height * img.channels) {
    throw new ArgumentError('preprocess', 'image.data', `${img.width}·${img.height}·${img.channels} bytes`, `${img.data.length}`);
  }
  const rgb = resizeAndCrop(toRGB(img), size);
  const out = new Float32Array(3 * size * size);
  const plane = size * size;
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      // As torchvision: ToTensor (÷255 in float32), then (x − mean) / std.
      out[c * plane + i] = (Math.fround(rgb.data[i * 3 + c]! / 255) - mean[c]!) / std[c]!;
    }
  }
  return out;
}
