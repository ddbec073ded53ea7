// The browser side of '#files' (files.node.ts is the Node side, with the same exports): there is no file system, so
// a location is a URL, and the functions that take a file path say what to use instead.
import type { SafetensorsFile, SafetensorsInput, StoredTensor } from './safetensors.js';
import type { RandomAccess } from './random_access.js';
import { bytesSource } from './random_access.js';
import type { FetchOptions } from './fetch_bytes.js';
import { fetchBytes } from './fetch_bytes.js';

const needsNode = (fn: string, instead: string): never => {
  throw new Error(`${fn}: file paths need Node's file system; in a browser use ${instead}`);
};

export function fileSource(path: string): RandomAccess {
  return needsNode(`fileSource('${path}')`, 'bytesSource(bytes) or TorchCheckpoint.load(url | blob | bytes)');
}

export async function readSafetensorsFile(path: string): Promise<SafetensorsFile> {
  return needsNode(`readSafetensorsFile('${path}')`, 'loadSafetensors(url | blob | bytes)');
}

export async function writeSafetensorsFile(path: string, _tensors: Record<string, SafetensorsInput>, _metadata?: Record<string, string>): Promise<void> {
  return needsNode(`writeSafetensorsFile('${path}')`, 'writeSafetensors(tensors) and save the bytes yourself');
}

export function streamSafetensorsFile(
  path: string, _tensors: ReadonlyArray<StoredTensor & { read: () => Uint8Array }>, _metadata?: Record<string, string>,
  _onProgress?: (writtenBytes: number, totalBytes: number, name: string) => void,
): void {
  needsNode(`streamSafetensorsFile('${path}')`, 'writeSafetensors(tensors)');
}

/** A location given as text is a URL here (relative ones resolve against the page). */
export async function openLocation(location: string, options: FetchOptions = {}): Promise<RandomAccess> {
  const base = (globalThis as { location?: { href: string } }).location?.href;
  return bytesSource(await fetchBytes(base ? new URL(location, base) : location, options));
}
