// Pixels of what a page already has decoded (an <img>, an ImageBitmap, a canvas) through a 2D canvas, as RGBA.
import type { Image8 } from '../preprocess/resize.js';

type Drawable = CanvasImageSource & { width: number; height: number };

export function pixelsOf(source: Drawable): Image8 {
  const width = 'naturalWidth' in source ? (source as HTMLImageElement).naturalWidth : source.width;
  const height = 'naturalHeight' in source ? (source as HTMLImageElement).naturalHeight : source.height;
  if (!width || !height) throw new Error('the image has no pixels (not loaded yet?)');
  const canvas = typeof OffscreenCanvas !== 'undefined'
    ? new OffscreenCanvas(width, height)
    : Object.assign(document.createElement('canvas'), { width, height });
  const ctx = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null;
  if (!ctx) throw new Error('no 2D canvas context to read the image with');
  ctx.drawImage(source, 0, 0);
  const { data } = ctx.getImageData(0, 0, width, height, { colorSpace: 'srgb' });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height, channels: 4 };
}
