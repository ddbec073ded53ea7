// Every way weights can be handed over — bytes, a Blob or File, a URL, or text naming a URL or (in Node) a file path —
// turned into random-access bytes for the checkpoint and safetensors readers.
import { openLocation } from '#files';
import type { FetchOptions } from './fetch_bytes.js';
import { fetchBytes } from './fetch_bytes.js';
import type { RandomAccess } from './random_access.js';
import { bytesSource } from './random_access.js';

export type BytesInput = Uint8Array | ArrayBuffer | Blob | URL | string;

export async function openBytes(input: BytesInput, options: FetchOptions = {}): Promise<RandomAccess> {
  if (input instanceof Uint8Array) return bytesSource(input);
  if (input instanceof ArrayBuffer) return bytesSource(new Uint8Array(input));
  if (typeof Blob !== 'undefined' && input instanceof Blob) {
    const bytes = new Uint8Array(await input.arrayBuffer());
    options.onProgress?.(bytes.byteLength, bytes.byteLength);
    return bytesSource(bytes);
  }
  if (input instanceof URL) return input.protocol === 'file:' ? openLocation(input.href, options) : bytesSource(await fetchBytes(input, options));
  if (typeof input === 'string') return openLocation(input, options);
  throw new TypeError(`expected bytes, a Blob, a URL or a location string, got ${input === null ? 'null' : typeof input}`);
}
