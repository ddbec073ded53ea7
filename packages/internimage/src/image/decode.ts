// Image files to 8-bit pixels: PNG (pngjs) and JPEG (jpeg-js), recognised by their signatures.
import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { Image8 } from '../preprocess/resize.js';

export class ImageDecodeError extends Error {
  constructor(readonly source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'ImageDecodeError';
  }
}

/** Refuse images whose pixels alone would take more than this (a 16k × 16k RGBA image is 1 GiB). */
const MAX_PIXELS = 128 * 1024 * 1024;

const isPng = (b: Uint8Array) => b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/**
 * Decodes a PNG or JPEG. PNGs come back as RGBA (pngjs expands gray and palette images and scales 16-bit to 8-bit),
 * JPEGs as RGB; `toRGB` then drops alpha as PIL's convert('RGB') does.
 */
export function decodeImage(bytes: Uint8Array, source = 'image'): Image8 {
  try {
    if (isPng(bytes)) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), width: png.width, height: png.height, channels: 4 };
    }
    if (isJpeg(bytes)) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: MAX_PIXELS / 1e6, maxMemoryUsageInMB: 2048 });
      return { data: img.data, width: img.width, height: img.height, channels: 3 };
    }
  } catch (e) {
    throw new ImageDecodeError(source, `cannot decode (${(e as Error).message})`);
  }
  throw new ImageDecodeError(source, 'not a PNG or JPEG file (unrecognised signature)');
}

export function readImage(path: string): Image8 {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new ImageDecodeError(path, (e as Error).message);
  }
  return decodeImage(bytes, path);
}
