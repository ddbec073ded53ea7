// Files on disk (Node): the `node` side of '#files' (files.browser.ts is the other side, with the same exports).
import { fileURLToPath } from 'node:url';
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import type { SafetensorsFile, SafetensorsInput, StoredTensor } from './safetensors.js';
import { readSafetensors, safetensorsHeader, writeSafetensors } from './safetensors.js';
import type { RandomAccess } from './random_access.js';
import { bytesSource } from './random_access.js';
import type { FetchOptions } from './fetch_bytes.js';
import { fetchBytes, isUrl } from './fetch_bytes.js';

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

/**
 * Writes tensors one at a time (each `read()` is called once, in order), so a file larger than memory can be written.
 * The file appears under `path` only when complete: it is written to `path.partial` and renamed.
 */
export function streamSafetensorsFile(
  path: string,
  tensors: ReadonlyArray<StoredTensor & { read: () => Uint8Array }>,
  metadata?: Record<string, string>,
  onProgress?: (writtenBytes: number, totalBytes: number, name: string) => void,
): void {
  const head = safetensorsHeader(tensors, metadata);
  const total = tensors.reduce((n, t) => n + t.byteLength, 0);
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  try {
    writeAll(fd, head);
    let written = 0;
    for (const t of tensors) {
      const bytes = t.read();
      if (bytes.byteLength !== t.byteLength) throw new Error(`tensor '${t.name}' produced ${bytes.byteLength} bytes, expected ${t.byteLength}`);
      writeAll(fd, bytes);
      written += bytes.byteLength;
      onProgress?.(written, total, t.name);
    }
    closeSync(fd);
    renameSync(partial, path);
  } catch (e) {
    try { closeSync(fd); } catch { /* already closed */ }
    rmSync(partial, { force: true });
    throw e;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.byteLength;) done += writeSync(fd, bytes, done, bytes.byteLength - done);
}

/** Each read returns a fresh, 8-byte aligned buffer, so typed-array views on it need no copy. */
export function fileSource(path: string): RandomAccess {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  let open = true;
  return {
    size,
    read(offset, length) {
      if (!open) throw new Error(`${path}: file already closed`);
      if (offset < 0 || length < 0 || offset + length > size) {
        throw new RangeError(`read of ${length} bytes at ${offset} is outside the ${size}-byte file`);
      }
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, out, done, Math.min(length - done, 1 << 30), offset + done);
        if (n === 0) throw new RangeError(`${path}: unexpected end of file at ${offset + done}`);
        done += n;
      }
      return out;
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** A location given as text: a URL (http:, https:, data:, blob:, file:) is fetched, anything else is a file path. */
export async function openLocation(location: string, options: FetchOptions = {}): Promise<RandomAccess> {
  if (location.startsWith('file:')) return fileSource(fileURLToPath(location));
  return isUrl(location) ? bytesSource(await fetchBytes(location, options)) : fileSource(location);
}
