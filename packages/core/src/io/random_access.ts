import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Random-access bytes: a file read on demand (so a 12 GB checkpoint is never held whole) or a buffer. */
export interface RandomAccess {
  readonly size: number;
  /** Exactly `length` bytes at `offset`; throws past the end. */
  read(offset: number, length: number): Uint8Array;
  close(): void;
}

export function bytesSource(bytes: Uint8Array): RandomAccess {
  return {
    size: bytes.byteLength,
    read(offset, length) {
      if (offset < 0 || length < 0 || offset + length > bytes.byteLength) {
        throw new RangeError(`read of ${length} bytes at ${offset} is outside the ${bytes.byteLength}-byte buffer`);
      }
      return bytes.subarray(offset, offset + length);
    },
    close() {},
  };
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
