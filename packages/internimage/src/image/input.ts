// Everything classify() accepts as an image, to 8-bit pixels: a location (path or URL), the file's bytes, a Blob or
// File, decoded pixels, and in a page an ImageData, ImageBitmap, <img> or <canvas>.
import { ArgumentError } from '@internimage/core';
import type { Image8 } from '../preprocess/resize.js';
import { pixelsOf } from './canvas.js';
import { decodeImage, readImage } from './decode.js';

/** A page's ImageData: RGBA bytes. */
export interface ImageDataLike {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/** A page's decoded image (ImageBitmap, <img>, <canvas>, OffscreenCanvas, VideoFrame), read through a 2D canvas. */
export interface PageImage {
  readonly width: number;
  readonly height: number;
}

/** A path or URL to a PNG/JPEG, its bytes, a Blob/File, decoded 8-bit pixels, or a page's ImageData/ImageBitmap/<img>/<canvas>. */
export type ImageInput = string | URL | Uint8Array | ArrayBuffer | Blob | Image8 | ImageDataLike | PageImage;

const has = (name: string) => typeof (globalThis as Record<string, unknown>)[name] === 'function';
const isA = (input: unknown, name: string) => has(name) && input instanceof ((globalThis as Record<string, unknown>)[name] as new () => unknown);

export async function toImage8(input: ImageInput, index: number): Promise<Image8> {
  const what = `image ${index}`;
  if (typeof input === 'string') return readImage(input);
  if (input instanceof URL) return readImage(input.href);
  if (input instanceof Uint8Array) return decodeImage(input, what);
  if (input instanceof ArrayBuffer) return decodeImage(new Uint8Array(input), what);
  if (isA(input, 'Blob')) return decodeImage(new Uint8Array(await (input as Blob).arrayBuffer()), (input as { name?: string }).name ?? what);
  if (input && typeof input === 'object' && 'data' in input && 'width' in input && 'height' in input) {
    const { data, width, height } = input as { data: Uint8Array | Uint8ClampedArray; width: number; height: number; channels?: number };
    if (data instanceof Uint8Array && 'channels' in input) return input as Image8;
    if (data instanceof Uint8ClampedArray) return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height, channels: 4 };
  }
  if (['ImageBitmap', 'HTMLImageElement', 'HTMLCanvasElement', 'OffscreenCanvas', 'HTMLVideoElement', 'VideoFrame'].some((n) => isA(input, n))) {
    if (isA(input, 'HTMLImageElement') && !(input as unknown as HTMLImageElement).complete) await (input as unknown as HTMLImageElement).decode();
    return pixelsOf(input as unknown as CanvasImageSource & PageImage);
  }
  throw new ArgumentError('classify', `images[${index}]`,
    'a path or URL, the bytes of a PNG/JPEG, a Blob, {data, width, height, channels}, ImageData, ImageBitmap or an <img>', typeof input);
}
