// Node side of '#platform' (platform.browser.ts has the same exports): files, paths and sharp's JPEG decoder.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchBytes } from '@internimage/core';
import { MAX_PIXELS } from './image/limits.js';
import type { Image8 } from './preprocess/resize.js';

const isUrl = (s: string) => /^(https?|data|blob):/i.test(s);

/** Where a file of the package's assets folder is: a path (the same relative place from src/ and from dist/). */
export function assetLocation(relative: string): string {
  return fileURLToPath(new URL(`../assets/${relative}`, import.meta.url));
}

/** The bytes at a path or URL. */
export async function readBytes(location: string): Promise<Uint8Array> {
  if (isUrl(location)) return fetchBytes(location, { cache: false });
  const b = await readFile(location.startsWith('file:') ? fileURLToPath(location) : location);
  // A view of its own buffer from offset 0, as fetched bytes are (readers put typed-array views on it).
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? new Uint8Array(b.buffer) : new Uint8Array(b);
}

export function readTextSync(location: string): string {
  return readFileSync(location, 'utf8');
}

export const joinLocation = (base: string, ...parts: string[]): string =>
  isUrl(base) ? parts.reduce((at, p) => new URL(p, at.endsWith('/') ? at : `${at}/`).href, base) : join(base, ...parts);

export const baseName = (location: string): string => basename(isUrl(location) ? new URL(location).pathname : location);

/** sharp (libvips with libjpeg-turbo, the decoder PIL uses): pixels match PIL's bit for bit. */
export async function decodeJpeg(bytes: Uint8Array): Promise<Image8> {
  let sharp: typeof import('sharp').default;
  try {
    ({ default: sharp } = await import('sharp'));
  } catch (e) {
    throw new Error(`decoding JPEG in Node needs the optional package 'sharp' (npm install sharp): ${e instanceof Error ? e.message : e}`);
  }
  const { data, info } = await sharp(bytes, { limitInputPixels: MAX_PIXELS, failOn: 'error' }).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: info.channels };
}
