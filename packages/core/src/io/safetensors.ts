// safetensors: 8-byte little-endian header length N, N bytes of JSON header, then raw little-endian data.
// Header: {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {string: string}}; offsets are
// relative to the start of the data section. Everything is validated before any data is trusted.
import { fromTypedArray } from '../creation.js';
import type { DType, StorageDType, TypedArray } from '../dtypes.js';
import { FormatError, fmtShape } from '../errors.js';
import { sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import { ConversionError, STORAGE_BYTES, decodeElements, encodeElements } from './dtype_codec.js';
import type { FetchOptions } from './fetch_bytes.js';
import type { BytesInput } from './open_bytes.js';
import { openBytes } from './open_bytes.js';

const FORMAT = 'safetensors';
/** Same bound as the reference Rust implementation. */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

const CODE_TO_DTYPE: Record<string, StorageDType> = {
  F32: 'float32', I32: 'int32', F16: 'float16', BF16: 'bfloat16', F64: 'float64', I64: 'int64', U8: 'uint8',
};
const DTYPE_TO_CODE = Object.fromEntries(Object.entries(CODE_TO_DTYPE).map(([k, v]) => [v, k])) as Record<StorageDType, string>;

export interface SafetensorsEntry {
  name: string;
  /** The dtype as stored; reading converts to float32 or int32. */
  storageDType: StorageDType;
  shape: number[];
  /** Start of the tensor's bytes in the data section, and their length. */
  offset: number;
  byteLength: number;
}

const fail = (msg: string): never => {
  throw new FormatError(FORMAT, msg);
};

/** A validated safetensors buffer. Entries are decoded on demand. */
export class SafetensorsFile {
  private constructor(
    private readonly bytes: Uint8Array,
    private readonly dataStart: number,
    readonly metadata: Readonly<Record<string, string>>,
    private readonly entries: ReadonlyMap<string, SafetensorsEntry>,
  ) {}

  static parse(bytes: Uint8Array): SafetensorsFile {
    if (!(bytes instanceof Uint8Array)) fail('expected the file contents as a Uint8Array');
    if (bytes.byteLength < 8) fail(`file is ${bytes.byteLength} bytes, shorter than the 8-byte header length field`);
    const headerLen = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
    if (headerLen > BigInt(MAX_HEADER_BYTES)) {
      fail(`declared header length ${headerLen} bytes exceeds the ${MAX_HEADER_BYTES}-byte limit`);
    }
    const n = Number(headerLen);
    if (n > bytes.byteLength - 8) {
      fail(`declared header length ${n} bytes exceeds the ${bytes.byteLength - 8} bytes after the length field`);
    }
    if (n < 2) fail(`declared header length ${n} is too short for a JSON object`);
    let header: unknown;
    try {
      header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
    } catch (e) {
      fail(`header is not valid UTF-8 JSON (${(e as Error).message})`);
    }
    if (header === null || typeof header !== 'object' || Array.isArray(header)) fail('header must be a JSON object');
    const dataStart = 8 + n;
    const dataLen = bytes.byteLength - dataStart;
    const metadata: Record<string, string> = {};
    const entries = new Map<string, SafetensorsEntry>();
    for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
      if (name === '__metadata__') {
        if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('__metadata__ must be an object of strings');
        for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
          if (typeof v !== 'string') fail(`__metadata__['${k}'] must be a string, got ${typeof v}`);
          metadata[k] = v as string;
        }
        continue;
      }
      entries.set(name, parseEntry(name, raw, dataLen));
    }
    const sorted = [...entries.values()].sort((a, b) => a.offset - b.offset || a.byteLength - b.byteLength);
    let end = 0;
    for (const e of sorted) {
      if (e.offset < end) fail(`tensor '${e.name}' (bytes ${e.offset}..${e.offset + e.byteLength}) overlaps another tensor ending at ${end}`);
      if (e.offset > end) fail(`gap of ${e.offset - end} unclaimed bytes before tensor '${e.name}' at ${e.offset}`);
      end = e.offset + e.byteLength;
    }
    if (end !== dataLen) fail(`data section is ${dataLen} bytes but the tensors cover ${end}`);
    return new SafetensorsFile(bytes, dataStart, Object.freeze(metadata), entries);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  entry(name: string): SafetensorsEntry {
    const e = this.entries.get(name);
    if (!e) throw new FormatError(FORMAT, `no tensor named '${name}' (file has ${this.entries.size}: ${this.names().slice(0, 8).join(', ')}${this.entries.size > 8 ? ', ...' : ''})`);
    return e;
  }

  /** The raw stored bytes of a tensor (a view, not a copy). */
  rawBytes(name: string): Uint8Array {
    const e = this.entry(name);
    return this.bytes.subarray(this.dataStart + e.offset, this.dataStart + e.offset + e.byteLength);
  }

  /** Values converted to the computation dtype (float16/bfloat16/float64 → float32; int64/uint8 → int32). */
  values(name: string): { dtype: DType; shape: number[]; data: TypedArray } {
    const e = this.entry(name);
    try {
      return { ...decodeElements(this.rawBytes(name), e.storageDType), shape: [...e.shape] };
    } catch (err) {
      if (err instanceof ConversionError) throw new FormatError(FORMAT, `tensor '${name}': ${err.message}`);
      throw err;
    }
  }

  /** A tensor on the active backend. */
  tensor(name: string): Tensor {
    const { dtype, shape, data } = this.values(name);
    return fromTypedArray(data, shape, dtype);
  }

  /** Every tensor (or those named) on the active backend. */
  tensors(names: readonly string[] = this.names()): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    try {
      for (const name of names) out[name] = this.tensor(name);
    } catch (e) {
      for (const t of Object.values(out)) t.dispose();
      throw e;
    }
    return out;
  }
}

function parseEntry(name: string, raw: unknown, dataLen: number): SafetensorsEntry {
  const where = `tensor '${name}'`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail(`${where} must be an object`);
  const { dtype, shape, data_offsets: offsets, ...rest } = raw as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length) fail(`${where} has unknown field(s) ${extra.join(', ')}`);
  if (typeof dtype !== 'string' || !(dtype in CODE_TO_DTYPE)) {
    fail(`${where} has dtype ${JSON.stringify(dtype)}; supported: ${Object.keys(CODE_TO_DTYPE).join(', ')}`);
  }
  const storageDType = CODE_TO_DTYPE[dtype as string]!;
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    fail(`${where} has shape ${JSON.stringify(shape)}; expected an array of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((o) => !Number.isSafeInteger(o) || o < 0)) {
    fail(`${where} has data_offsets ${JSON.stringify(offsets)}; expected [begin, end] non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) fail(`${where} has data_offsets [${begin}, ${end}] with begin after end`);
  if (end > dataLen) fail(`${where} ends at byte ${end}, past the ${dataLen}-byte data section (truncated file?)`);
  const expected = sizeOf(shape as number[]) * STORAGE_BYTES[storageDType];
  if (end - begin !== expected) {
    fail(`${where} spans ${end - begin} bytes but shape ${fmtShape(shape as number[])} of ${dtype} needs ${expected}`);
  }
  return { name, storageDType, shape: [...(shape as number[])], offset: begin, byteLength: end - begin };
}

/** Parses and validates a safetensors buffer. */
export function readSafetensors(bytes: Uint8Array): SafetensorsFile {
  return SafetensorsFile.parse(bytes);
}

/** Values to write without a Tensor: numbers stored as `dtype`. */
export interface RawTensor {
  dtype: StorageDType;
  shape: readonly number[];
  data: ArrayLike<number>;
}

/** A tensor to store as another dtype (e.g. float32 → float16). */
export interface StoredAs {
  tensor: Tensor;
  dtype: StorageDType;
}

export type SafetensorsInput = Tensor | RawTensor | StoredAs;

/** One tensor to serialise: its stored dtype, shape and bytes (produced when written). */
export interface StoredTensor {
  name: string;
  dtype: StorageDType;
  shape: readonly number[];
  byteLength: number;
}

/** The length field and JSON header for `tensors` laid out in order; the data section starts 8-byte aligned. */
export function safetensorsHeader(tensors: readonly StoredTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new FormatError(FORMAT, `metadata '${k}' must be a string, got ${typeof v}`);
  }
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    if (t.name === '__metadata__') throw new FormatError(FORMAT, "'__metadata__' is reserved and cannot name a tensor");
    if (t.name in header) throw new FormatError(FORMAT, `tensor '${t.name}' appears twice`);
    if (!(t.dtype in DTYPE_TO_CODE)) throw new FormatError(FORMAT, `tensor '${t.name}': unsupported dtype ${String(t.dtype)}`);
    if (sizeOf(t.shape) * STORAGE_BYTES[t.dtype] !== t.byteLength) {
      throw new FormatError(FORMAT, `tensor '${t.name}': shape ${fmtShape(t.shape)} of ${t.dtype} needs ${sizeOf(t.shape) * STORAGE_BYTES[t.dtype]} bytes, got ${t.byteLength}`);
    }
    header[t.name] = { dtype: DTYPE_TO_CODE[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + t.byteLength] };
    offset += t.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  // Pad with spaces so the data section starts 8-byte aligned (allowed by the format).
  const padded = json.byteLength + ((8 - (json.byteLength % 8)) % 8);
  const out = new Uint8Array(8 + padded).fill(0x20, 8);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  return out;
}

/** Serialises tensors (in the given order) and string metadata to safetensors bytes. */
export async function writeSafetensors(
  tensors: Record<string, SafetensorsInput>,
  metadata: Record<string, string> = {},
): Promise<Uint8Array> {
  const stored: StoredTensor[] = [];
  const chunks: Uint8Array[] = [];
  for (const [name, input] of Object.entries(tensors)) {
    const { dtype, shape, data } = input instanceof Tensor
      ? { dtype: input.dtype as StorageDType, shape: input.shape, data: await input.data() }
      : 'tensor' in input
        ? { dtype: input.dtype, shape: input.tensor.shape, data: await input.tensor.data() }
        : input;
    if (!(dtype in DTYPE_TO_CODE)) throw new FormatError(FORMAT, `tensor '${name}': unsupported dtype ${String(dtype)}`);
    if (sizeOf(shape) !== data.length) {
      throw new FormatError(FORMAT, `tensor '${name}': shape ${fmtShape(shape)} needs ${sizeOf(shape)} values, got ${data.length}`);
    }
    let bytes: Uint8Array;
    try {
      bytes = encodeElements(data, dtype);
    } catch (err) {
      if (err instanceof ConversionError) throw new FormatError(FORMAT, `tensor '${name}': ${err.message}`);
      throw err;
    }
    stored.push({ name, dtype, shape, byteLength: bytes.byteLength });
    chunks.push(bytes);
  }
  const head = safetensorsHeader(stored, metadata);
  const out = new Uint8Array(head.byteLength + chunks.reduce((n, c) => n + c.byteLength, 0));
  out.set(head);
  let pos = head.byteLength;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.byteLength;
  }
  return out;
}

/** Reads a .safetensors from bytes, a Blob/File, a URL (fetched with progress; cached in a browser) or a location string. */
export async function loadSafetensors(input: BytesInput, options: FetchOptions = {}): Promise<SafetensorsFile> {
  const src = await openBytes(input, options);
  try {
    return readSafetensors(src.read(0, src.size));
  } finally {
    src.close();
  }
}
