// A validating ZIP reader (the container of PyTorch checkpoints): ZIP64, stored and deflated entries, every entry's
// CRC-32 checked, local headers cross-checked against the central directory, and bounded decompression.
import { inflateSync } from 'fflate';
import { crc32 } from './crc32.js';
import { FormatError } from '../errors.js';
import type { RandomAccess } from './random_access.js';

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_DESCRIPTOR = 0x08074b50;
/** PyTorch pads local extra fields to align data, with a record of this id holding only 'Z' bytes. */
const EXTRA_TORCH_PADDING = 0x4246;
/** DEFLATE cannot expand data by more than about 1032:1; a larger declared ratio is a zip bomb. */
const MAX_DEFLATE_RATIO = 1032;

export interface ZipEntry {
  name: string;
  method: 0 | 8;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  flags: number;
  time: number;
  date: number;
  versionNeeded: number;
}

const fail = (msg: string): never => {
  throw new FormatError('zip', msg);
};

const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
function u64(b: Uint8Array, o: number): number {
  const v = u32(b, o) + u32(b, o + 4) * 2 ** 32;
  if (!Number.isSafeInteger(v)) fail(`64-bit field at ${o} exceeds 2^53`);
  return v;
}

export class ZipReader {
  private readonly byName = new Map<string, ZipEntry>();

  constructor(private readonly src: RandomAccess) {
    const { cdOffset, cdSize, count } = this.findDirectory();
    const cd = this.read(cdOffset, cdSize, 'central directory');
    let pos = 0;
    for (let i = 0; i < count; i++) {
      if (pos + 46 > cd.byteLength || u32(cd, pos) !== SIG_CENTRAL) fail(`central directory entry ${i} is malformed (bad signature at ${cdOffset + pos})`);
      const entry = this.parseCentral(cd, pos, i);
      if (this.byName.has(entry.name)) fail(`duplicate entry name '${entry.name}'`);
      this.byName.set(entry.name, entry);
      pos += 46 + u16(cd, pos + 28) + u16(cd, pos + 30) + u16(cd, pos + 32);
    }
    if (pos !== cdSize) fail(`central directory is ${cdSize} bytes but its ${count} entries span ${pos}`);
    // Entries must tile the space before the central directory exactly: nothing unclaimed, nothing shared.
    const sorted = [...this.byName.values()].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
    let expected = 0;
    for (const e of sorted) {
      if (e.localHeaderOffset !== expected) {
        fail(`entry '${e.name}' starts at ${e.localHeaderOffset}, but the previous entry ends at ${expected} (bytes inserted, removed or overlapping)`);
      }
      expected = this.entryEnd(e);
    }
    if (expected !== cdOffset) fail(`the last entry ends at ${expected}, but the central directory starts at ${cdOffset}`);
    // Small entries nobody would otherwise read (version, byteorder) are checked now, so every byte is covered.
    for (const e of sorted) if (e.size <= 4096 && !/\/data\/[^/]+$/.test(e.name)) this.readEntry(e.name);
  }

  /** Offset just past the entry: local header, name, extra field, data, and the data descriptor if flagged. */
  private entryEnd(e: ZipEntry): number {
    const head = this.read(e.localHeaderOffset, 30, `local header of '${e.name}'`);
    if (u32(head, 0) !== SIG_LOCAL) fail(`entry '${e.name}': bad local header signature at ${e.localHeaderOffset}`);
    const dataEnd = e.localHeaderOffset + 30 + u16(head, 26) + u16(head, 28) + e.compressedSize;
    if (!(e.flags & 8)) return dataEnd;
    const zip64 = e.size >= 0xffffffff || e.compressedSize >= 0xffffffff;
    const sig = this.src.size >= dataEnd + 4 ? u32(this.read(dataEnd, 4, `data descriptor of '${e.name}'`), 0) : 0;
    return dataEnd + (sig === SIG_DESCRIPTOR ? 4 : 0) + (zip64 ? 20 : 12);
  }

  get entries(): ZipEntry[] {
    return [...this.byName.values()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  entry(name: string): ZipEntry {
    return this.byName.get(name) ?? fail(`no entry named '${name}'`);
  }

  /** The entry's uncompressed bytes, after checking its local header and CRC-32. */
  readEntry(name: string): Uint8Array {
    const e = this.entry(name);
    const head = this.read(e.localHeaderOffset, 30, `local header of '${name}'`);
    if (u32(head, 0) !== SIG_LOCAL) fail(`entry '${name}': bad local header signature at ${e.localHeaderOffset}`);
    const nameLen = u16(head, 26);
    const extraLen = u16(head, 28);
    const localName = this.read(e.localHeaderOffset + 30, nameLen, `local name of '${name}'`);
    if (decodeName(localName) !== name) fail(`entry '${name}': local header names '${decodeName(localName)}'`);
    const sizesDeferred = (e.flags & 8) !== 0;
    const mismatch = [
      ['version needed', u16(head, 4), e.versionNeeded], ['flags', u16(head, 6), e.flags], ['method', u16(head, 8), e.method],
      ['time', u16(head, 10), e.time], ['date', u16(head, 12), e.date],
      ...(sizesDeferred ? [['crc', u32(head, 14), 0]] : [['crc', u32(head, 14), e.crc]]),
    ].find(([, a, b]) => a !== b);
    if (mismatch) fail(`entry '${name}': local header ${mismatch[0]} ${mismatch[1]} differs from the central directory's ${mismatch[2]}`);
    const extra = this.read(e.localHeaderOffset + 30 + nameLen, extraLen, `local extra field of '${name}'`);
    const padding = findExtra(extra, EXTRA_TORCH_PADDING, name);
    if (padding && padding.some((b) => b !== 0x5a)) fail(`entry '${name}': the alignment padding of its local header is corrupted`);
    const [csize, size] = localSizes(head, extra, name);
    const expectedSizes = sizesDeferred ? [0, 0] : [e.compressedSize, e.size];
    if (csize !== expectedSizes[0] || size !== expectedSizes[1]) {
      fail(`entry '${name}': local header sizes ${csize}/${size} differ from the expected ${expectedSizes[0]}/${expectedSizes[1]}`);
    }
    const dataStart = e.localHeaderOffset + 30 + nameLen + extraLen;
    if (sizesDeferred) this.checkDescriptor(e, dataStart + e.compressedSize);
    const raw = this.read(dataStart, e.compressedSize, `data of '${name}'`);
    let data = raw;
    if (e.method === 8) {
      // One byte more than declared, so that an entry that inflates to more is caught rather than cut short.
      try {
        data = inflateSync(raw, { out: new Uint8Array(e.size + 1) });
      } catch (err) {
        fail(`entry '${name}': cannot inflate (${(err as Error).message})`);
      }
      if (data.byteLength > e.size) fail(`entry '${name}': cannot inflate (it inflates to more than the declared ${e.size} bytes)`);
    }
    if (data.byteLength !== e.size) fail(`entry '${name}': ${data.byteLength} bytes after decompression, expected ${e.size}`);
    const actual = crc32(data);
    if (actual !== e.crc) {
      fail(`entry '${name}': CRC-32 ${hex(actual)} does not match the recorded ${hex(e.crc)} (the file is corrupted)`);
    }
    return data;
  }

  close(): void {
    this.src.close();
  }

  /** The data descriptor after the data (flag bit 3) must repeat the central directory's CRC and sizes. */
  private checkDescriptor(e: ZipEntry, at: number): void {
    const zip64 = e.size >= 0xffffffff || e.compressedSize >= 0xffffffff;
    const end = this.entryEnd(e);
    const d = this.read(at, end - at, `data descriptor of '${e.name}'`);
    const o = d.byteLength === (zip64 ? 24 : 16) ? 4 : 0;
    const [crc, csize, size] = zip64 ? [u32(d, o), u64(d, o + 4), u64(d, o + 12)] : [u32(d, o), u32(d, o + 4), u32(d, o + 8)];
    if (crc !== e.crc || csize !== e.compressedSize || size !== e.size) {
      fail(`entry '${e.name}': data descriptor (crc ${hex(crc)}, sizes ${csize}/${size}) differs from the central directory`);
    }
  }

  private read(offset: number, length: number, what: string): Uint8Array {
    if (offset < 0 || length < 0 || offset + length > this.src.size) {
      fail(`${what} (${length} bytes at ${offset}) lies outside the ${this.src.size}-byte file (truncated?)`);
    }
    return this.src.read(offset, length);
  }

  private findDirectory(): { cdOffset: number; cdSize: number; count: number; eocdStart: number } {
    const size = this.src.size;
    if (size < 22) fail(`file is ${size} bytes, too small for a zip archive`);
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = this.read(size - tailLen, tailLen, 'end of central directory');
    let at = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      // The record's comment must run exactly to the end of the file.
      if (u32(tail, i) === SIG_EOCD && i + 22 + u16(tail, i + 20) === tailLen) {
        at = i;
        break;
      }
    }
    if (at < 0) fail('no end-of-central-directory record (not a zip file, or truncated)');
    const eocdStart = size - tailLen + at;
    const disk = u16(tail, at + 4);
    const cdDisk = u16(tail, at + 6);
    let count = u16(tail, at + 10);
    let cdSize = u32(tail, at + 12);
    let cdOffset = u32(tail, at + 16);
    if (u16(tail, at + 8) !== count) fail('end record: entry counts on this disk and in total differ');
    if (disk !== 0 || cdDisk !== 0) fail('multi-disk archives are not supported');
    // Writers such as PyTorch's add ZIP64 records even to small archives; when present they must agree.
    const hasLocator = eocdStart >= 20 && u32(this.read(eocdStart - 20, 20, 'ZIP64 locator'), 0) === SIG_ZIP64_LOCATOR;
    const saturated = count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff;
    if (!hasLocator) {
      if (saturated) fail('ZIP64 end record announced but the locator is missing');
      if (cdOffset + cdSize !== eocdStart) fail(`central directory (${cdOffset}+${cdSize}) does not end where the end record starts (${eocdStart})`);
      return { cdOffset, cdSize, count, eocdStart };
    }
    const loc = this.read(eocdStart - 20, 20, 'ZIP64 locator');
    if (u32(loc, 4) !== 0 || u32(loc, 16) !== 1) fail('ZIP64 locator names another disk');
    const recOffset = u64(loc, 8);
    const rec = this.read(recOffset, 56, 'ZIP64 end record');
    if (u32(rec, 0) !== SIG_ZIP64_EOCD) fail(`bad ZIP64 end record signature at ${recOffset}`);
    if (recOffset + 12 + u64(rec, 4) !== eocdStart - 20) fail('ZIP64 end record size disagrees with its position');
    if (u32(rec, 16) !== 0 || u32(rec, 20) !== 0) fail('ZIP64 end record names another disk');
    const count64 = u64(rec, 32);
    if (u64(rec, 24) !== count64) fail('ZIP64 end record: entry counts differ');
    const [size64, offset64] = [u64(rec, 40), u64(rec, 48)];
    const agree = (small: number, big: number, max: number) => small === max || small === big;
    if (!agree(count, count64, 0xffff) || !agree(cdSize, size64, 0xffffffff) || !agree(cdOffset, offset64, 0xffffffff)) {
      fail('the ZIP64 end record and the end record disagree');
    }
    if (offset64 + size64 !== recOffset) fail(`central directory (${offset64}+${size64}) does not end where the ZIP64 end record starts (${recOffset})`);
    return { cdOffset: offset64, cdSize: size64, count: count64, eocdStart: recOffset };
  }

  private parseCentral(cd: Uint8Array, pos: number, index: number): ZipEntry {
    const flags = u16(cd, pos + 8);
    const method = u16(cd, pos + 10);
    const nameLen = u16(cd, pos + 28);
    const extraLen = u16(cd, pos + 30);
    const commentLen = u16(cd, pos + 32);
    if (pos + 46 + nameLen + extraLen + commentLen > cd.byteLength) fail(`central directory entry ${index} runs past the directory`);
    const name = decodeName(cd.subarray(pos + 46, pos + 46 + nameLen));
    if (flags & 1) fail(`entry '${name}' is encrypted`);
    if (method !== 0 && method !== 8) fail(`entry '${name}' uses compression method ${method}; only stored (0) and deflate (8) are supported`);
    let compressedSize = u32(cd, pos + 20);
    let size = u32(cd, pos + 24);
    let localHeaderOffset = u32(cd, pos + 42);
    const extra = cd.subarray(pos + 46 + nameLen, pos + 46 + nameLen + extraLen);
    const z64 = findExtra(extra, 0x0001, name);
    if (z64) {
      let o = 0;
      const next = () => {
        if (o + 8 > z64.byteLength) fail(`entry '${name}': ZIP64 extra field is too short`);
        const v = u64(z64, o);
        o += 8;
        return v;
      };
      if (size === 0xffffffff) size = next();
      if (compressedSize === 0xffffffff) compressedSize = next();
      if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
    }
    if (method === 0 && compressedSize !== size) fail(`entry '${name}' is stored but its sizes differ (${compressedSize} vs ${size})`);
    if (method === 8 && size > Math.max(compressedSize, 1) * MAX_DEFLATE_RATIO) {
      fail(`entry '${name}' declares ${size} bytes from ${compressedSize} compressed: more than deflate can produce (zip bomb?)`);
    }
    if (u16(cd, pos + 34) !== 0) fail(`entry '${name}' starts on disk ${u16(cd, pos + 34)}; multi-disk archives are not supported`);
    return {
      name, method: method as 0 | 8, crc: u32(cd, pos + 16), compressedSize, size, localHeaderOffset, flags,
      time: u16(cd, pos + 12), date: u16(cd, pos + 14), versionNeeded: u16(cd, pos + 6),
    };
  }
}

/** Sizes from a local header, honouring its ZIP64 extra field. */
function localSizes(head: Uint8Array, extra: Uint8Array, name: string): [number, number] {
  let csize = u32(head, 18);
  let size = u32(head, 22);
  const z64 = findExtra(extra, 0x0001, name);
  if (z64 && (size === 0xffffffff || csize === 0xffffffff)) {
    if (z64.byteLength < 16) fail(`entry '${name}': local ZIP64 extra field is too short`);
    size = u64(z64, 0);
    csize = u64(z64, 8);
  }
  return [csize, size];
}

/** The data of extra-field record `id`, validating that the records exactly fill the field. */
function findExtra(extra: Uint8Array, id: number, name: string): Uint8Array | null {
  let found: Uint8Array | null = null;
  let o = 0;
  while (o < extra.byteLength) {
    if (o + 4 > extra.byteLength) fail(`entry '${name}': truncated extra field record`);
    const len = u16(extra, o + 2);
    if (o + 4 + len > extra.byteLength) fail(`entry '${name}': extra field record overruns the field`);
    if (u16(extra, o) === id) found = extra.subarray(o + 4, o + 4 + len);
    o += 4 + len;
  }
  return found;
}

function decodeName(b: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return fail('entry name is not valid UTF-8');
  }
}

const hex = (v: number) => `0x${v.toString(16).padStart(8, '0')}`;
