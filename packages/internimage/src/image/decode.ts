// Image files to 8-bit pixels, recognised by their signatures. PNG: pngjs (pure JavaScript; lossless, so it matches
// PIL exactly). JPEG: sharp (libvips with libjpeg-turbo, the decoder PIL uses: pixels match PIL's bit for bit, where
// pure-JavaScript decoders differ by several levels at colour edges).
import { readFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import type { Image8 } from '../preprocess/resize.js';

export class ImageDecodeError extends Error {
  constructor(readonly source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'ImageDecodeError';
  }
}

/** Refuse images whose pixels alone would take more than this (a 16k × 16k RGBA image is 1 GiB). */
const MAX_PIXELS = 268_402_689;

const isPng = (b: Uint8Array) => b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

async function decodeJpeg(bytes: Uint8Array): Promise<Image8> {
  const { default: sharp } = await import('sharp');
  const { data, info } = await sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: 'error' }).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels };
}

/**
 * Decodes a PNG (to RGBA: pngjs expands gray and palette images and scales 16-bit to 8-bit) or a JPEG (gray or RGB).
 * `toRGB` then drops alpha as PIL's convert('RGB') does.
 */
export async function decodeImage(bytes: Uint8Array, source = 'image'): Promise<Image8> {
  try {
    if (isPng(bytes)) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      if (png.width * png.height > MAX_PIXELS) throw new Error(`${png.width}×${png.height} pixels is more than the ${MAX_PIXELS} allowed`);
      return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), width: png.width, height: png.height, channels: 4 };
    }
    if (isJpeg(bytes)) return await decodeJpeg(bytes);
  } catch (e) {
    throw new ImageDecodeError(source, `cannot decode (${(e as Error).message})`);
  }
  throw new ImageDecodeError(source, 'not a PNG or JPEG file (unrecognised signature)');
}

export async function readImage(path: string): Promise<Image8> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new ImageDecodeError(path, (e as Error).message);
  }
  return decodeImage(bytes, path);
}
