// Browser side of '#platform' (platform.node.ts has the same exports): URLs instead of paths, the browser's own JPEG
// decoder.
import { fetchBytes } from '@internimage/core';
import { MAX_PIXELS } from './image/limits.js';
import type { Image8 } from './preprocess/resize.js';
import { pixelsOf } from './image/canvas.js';

const pageUrl = () => (globalThis as { location?: { href: string } }).location?.href;

/** Where a file of the package's assets folder is: a URL next to this module (bundlers that copy assets keep it). */
export function assetLocation(relative: string): string {
  return new URL(`../assets/${relative}`, import.meta.url).href;
}

/** The bytes at a URL (relative ones resolve against the page). */
export async function readBytes(location: string): Promise<Uint8Array> {
  return fetchBytes(new URL(location, pageUrl()), { cache: false });
}

export function readTextSync(location: string): string {
  throw new Error(`${location}: a page cannot read synchronously; use the async loader (e.g. await loadImagenetLabels())`);
}

export const joinLocation = (base: string, ...parts: string[]): string =>
  parts.reduce((at, p) => new URL(p, at.endsWith('/') ? at : `${at}/`).href, new URL(base, pageUrl()).href);

export const baseName = (location: string): string => new URL(location, pageUrl()).pathname.split('/').pop() ?? location;

/**
 * The browser's JPEG decoder (colour management off). It can differ from libjpeg-turbo (Node, PIL) by a few levels
 * at colour edges: the browser's IDCT and chroma upsampling are its own.
 */
export async function decodeJpeg(bytes: Uint8Array): Promise<Image8> {
  const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }), {
    colorSpaceConversion: 'none', premultiplyAlpha: 'none',
  });
  try {
    if (bitmap.width * bitmap.height > MAX_PIXELS) throw new Error(`${bitmap.width}×${bitmap.height} pixels is more than the ${MAX_PIXELS} allowed`);
    return pixelsOf(bitmap);
  } finally {
    bitmap.close();
  }
}
