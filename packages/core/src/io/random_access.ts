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
