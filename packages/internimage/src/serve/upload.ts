// Uploaded image bytes to pixels, refusing what would hurt the server: empty bodies, files that are not images, and
// decompression bombs (a small file that declares a huge size is refused from its header, before any pixel is decoded).
import { ImageDecodeError, decodeImage } from '../image/decode.js';
import type { Image8 } from '../preprocess/resize.js';

/** An error answered with an HTTP status and a JSON `{"error"}`. */
export class HttpError extends Error {
  constructor(readonly statusCode: number, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The default pixel limit of one uploaded image (a 40-megapixel photo is 160 MB as RGBA). */
export const DEFAULT_MAX_PIXELS = 40_000_000;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const isPng = (b: Uint8Array) => b.length >= 8 && PNG_SIGNATURE.every((v, i) => b[i] === v);
const isJpeg = (b: Uint8Array) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** Width and height from the header, without decoding pixels. */
async function declaredSize(bytes: Uint8Array, source: string): Promise<{ width: number; height: number }> {
  if (isPng(bytes)) {
    // The IHDR chunk comes first: length(4) 'IHDR'(4) width(4) height(4), big-endian.
    if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') {
      throw new HttpError(400, `${source}: a PNG without a complete IHDR header (truncated file?)`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { width: view.getUint32(16), height: view.getUint32(20) };
  }
  const { default: sharp } = await import('sharp');
  try {
    const meta = await sharp(bytes).metadata();
    return { width: meta.width ?? 0, height: meta.height ?? 0 };
  } catch (e) {
    throw new HttpError(400, `${source}: cannot read the JPEG header (${(e as Error).message})`);
  }
}

/** Decodes one uploaded PNG or JPEG; throws HttpError 400, 413 or 415 saying what is wrong. */
export async function decodeUpload(bytes: Uint8Array, source: string, maxPixels = DEFAULT_MAX_PIXELS): Promise<Image8> {
  if (bytes.length === 0) throw new HttpError(400, `${source}: empty; expected the bytes of a PNG or JPEG image`);
  if (!isPng(bytes) && !isJpeg(bytes)) {
    const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new HttpError(415, `${source}: not a PNG or JPEG image (it starts with bytes ${head})`);
  }
  const { width, height } = await declaredSize(bytes, source);
  if (width * height > maxPixels) {
    throw new HttpError(413, `${source}: declares ${width}×${height} = ${width * height} pixels, more than the ${maxPixels} allowed`);
  }
  if (width === 0 || height === 0) throw new HttpError(400, `${source}: declares an empty ${width}×${height} image`);
  try {
    return await decodeImage(bytes, source);
  } catch (e) {
    if (e instanceof ImageDecodeError) throw new HttpError(400, e.message);
    throw e;
  }
}
