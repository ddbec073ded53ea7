// Image files to 8-bit pixels, recognised by their signatures. PNG: fast-png (pure JavaScript and lossless, so the
// same pixels in Node, in a browser and in PIL). JPEG: the platform's decoder (platform.*.ts): sharp in Node
// (libjpeg-turbo, as PIL), the browser's own in a page.
import { decodeJpeg, readBytes } from '#platform';
import type { Image8 } from '../preprocess/resize.js';
import { MAX_PIXELS } from './limits.js';
import { decodePngRgba } from './png.js';

export class ImageDecodeError extends Error {
  constructor(readonly source: string, message: string) {
    super(`${source}: ${message}`);
    this.name = 'ImageDecodeError';
  }
}

const isPng = (b: Uint8Array) => b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/**
 * Decodes a PNG (to RGBA: gray and palette images are expanded and 16-bit samples scaled to 8 bits) or a JPEG (gray,
 * RGB or RGBA). `toRGB` then drops alpha as PIL's convert('RGB') does.
 */
export async function decodeImage(bytes: Uint8Array, source = 'image'): Promise<Image8> {
  try {
    if (isPng(bytes)) {
      const png = decodePngRgba(bytes);
      if (png.width * png.height > MAX_PIXELS) throw new Error(`${png.width}×${png.height} pixels is more than the ${MAX_PIXELS} allowed`);
      return png;
    }
    if (isJpeg(bytes)) return await decodeJpeg(bytes);
  } catch (e) {
    throw new ImageDecodeError(source, `cannot decode (${(e as Error).message})`);
  }
  throw new ImageDecodeError(source, 'not a PNG or JPEG file (unrecognised signature)');
}

/** Reads and decodes an image file (Node: a path or URL; a page: a URL). */
export async function readImage(location: string): Promise<Image8> {
  let bytes: Uint8Array;
  try {
    bytes = await readBytes(location);
  } catch (e) {
    throw new ImageDecodeError(location, (e as Error).message);
  }
  return decodeImage(bytes, location);
}
