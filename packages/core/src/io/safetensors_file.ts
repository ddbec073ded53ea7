import { readFile, writeFile } from 'node:fs/promises';
import type { SafetensorsFile, SafetensorsInput } from './safetensors.js';
import { readSafetensors, writeSafetensors } from './safetensors.js';

/** Reads and validates a .safetensors file from disk (Node only). */
export async function readSafetensorsFile(path: string): Promise<SafetensorsFile> {
  const buf = await readFile(path);
  return readSafetensors(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
}

export async function writeSafetensorsFile(
  path: string,
  tensors: Record<string, SafetensorsInput>,
  metadata?: Record<string, string>,
): Promise<void> {
  await writeFile(path, await writeSafetensors(tensors, metadata));
}
