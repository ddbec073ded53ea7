// PyTorch checkpoints written by torch.save (zip format, PyTorch ≥ 1.6): `<name>/data.pkl` describes the object
// tree, `<name>/data/<key>` hold the storages. Storages are read one at a time, when a tensor is materialised.
import type { DType, StorageDType, TypedArray } from '../dtypes.js';
import { FormatError, fmtShape } from '../errors.js';
import { sizeOf, stridesOf } from '../shape.js';
import { ConversionError, STORAGE_BYTES, decodeElements } from './dtype_codec.js';
import type { GlobalHandler } from './pickle.js';
import { PyDict, PyGlobal, PyObject, PyTuple, typeName, unpickle } from './pickle.js';
import type { RandomAccess } from './random_access.js';
import { bytesSource } from './random_access.js';
import { fileSource } from '#files';
import type { FetchOptions } from './fetch_bytes.js';
import type { BytesInput } from './open_bytes.js';
import { openBytes } from './open_bytes.js';
import { ZipReader } from './zip.js';

const fail = (msg: string): never => {
  throw new FormatError('pth', msg);
};

const STORAGE_TYPES: Record<string, StorageDType | string> = {
  FloatStorage: 'float32', HalfStorage: 'float16', BFloat16Storage: 'bfloat16', DoubleStorage: 'float64',
  LongStorage: 'int64', IntStorage: 'int32', ByteStorage: 'uint8',
  // Known to PyTorch but without a dtype here: reading a tensor of these fails with their name.
  CharStorage: 'int8', ShortStorage: 'int16', BoolStorage: 'bool', ComplexFloatStorage: 'complex64',
  ComplexDoubleStorage: 'complex128',
};

class StorageType {
  constructor(readonly name: string, readonly dtype: StorageDType | string) {}
}

/** A storage as the pickle names it: `data/<key>` holding `numel` elements of `dtype`. */
export class StorageRef {
  constructor(readonly key: string, readonly type: StorageType, readonly numel: number) {}
}

/** A tensor as the pickle describes it; its values are read only by TorchCheckpoint.read(). */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}

  get storageDType(): string {
    return this.storage.type.dtype;
  }
}

const ints = (v: unknown, what: string): number[] => {
  const items = v instanceof PyTuple ? v.items : Array.isArray(v) ? v : fail(`${what} must be a tuple, got a ${typeName(v)}`);
  return items.map((x) => (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0 ? x : fail(`${what} holds ${String(x)}`)));
};

function rebuildTensor(args: readonly unknown[]): TensorRef {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof StorageRef)) return fail(`_rebuild_tensor_v2 expects a storage, got a ${typeName(storage)}`);
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) return fail(`bad storage offset ${String(offset)}`);
  const shape = ints(size, 'tensor size');
  const strides = ints(stride, 'tensor stride');
  if (strides.length !== shape.length) fail(`tensor has ${shape.length} sizes but ${strides.length} strides`);
  const extent = shape.some((d) => d === 0) ? 0 : shape.reduce((m, d, i) => m + (d - 1) * strides[i]!, 0) + 1;
  if (offset + extent > storage.numel) {
    fail(`tensor ${fmtShape(shape)} at offset ${offset} (stride ${fmtShape(strides)}) reaches element ${offset + extent} ` +
      `of a ${storage.numel}-element storage '${storage.key}'`);
  }
  return new TensorRef(storage, offset, shape, strides);
}

const inert = (className: string): GlobalHandler => ({ call: (args) => new PyObject(className, args) });
const dictLike = (className: string): GlobalHandler => ({ call: () => new PyDict(className) });

/** Everything the published checkpoints (and ordinary training checkpoints) need; nothing that runs code. */
export const CHECKPOINT_GLOBALS: ReadonlyMap<string, GlobalHandler> = new Map<string, GlobalHandler>([
  ['collections.OrderedDict', dictLike('collections.OrderedDict')],
  ['torch._utils._rebuild_tensor_v2', { call: rebuildTensor }],
  ['torch._utils._rebuild_parameter', { call: (args) => args[0] }],
  ['torch._utils._rebuild_parameter_with_state', { call: (args) => args[0] }],
  ['torch._tensor._rebuild_from_type_v2', {
    call: ([fn, , args]) => {
      if (!(fn instanceof PyGlobal) || !fn.handler.call || !(args instanceof PyTuple)) {
        return fail('_rebuild_from_type_v2 expects an allowed function and a tuple');
      }
      return fn.handler.call(args.items);
    },
  }],
  ['torch.Tensor', {}],
  ['torch.nn.parameter.Parameter', {}],
  ['torch.Size', { call: ([items]) => new PyTuple(ints(items, 'torch.Size')) }],
  ['torch.device', { call: ([name]) => String(name) }],
  ...Object.entries(STORAGE_TYPES).map(([n, d]): [string, GlobalHandler] => [`torch.${n}`, { marker: new StorageType(n, d) }]),
  ['_codecs.encode', { call: ([s]) => Uint8Array.from(String(s), (c) => c.charCodeAt(0) & 0xff) }],
  ['builtins.set', { call: ([items]) => new Set(Array.isArray(items) ? items : []) }],
  ['argparse.Namespace', inert('argparse.Namespace')],
  ['yacs.config.CfgNode', dictLike('yacs.config.CfgNode')],
  ['numpy.dtype', inert('numpy.dtype')],
  ['numpy.core.multiarray.scalar', inert('numpy.scalar')],
  ['numpy._core.multiarray.scalar', inert('numpy.scalar')],
]);

export interface TensorEntry {
  /** Path in the object tree, e.g. `model/levels.0.blocks.0.norm1.0.weight` (dict keys joined by '/'). */
  path: string;
  ref: TensorRef;
}

/** An opened torch.save checkpoint. Close it when done (it may hold a file descriptor). */
export class TorchCheckpoint {
  readonly root: unknown;
  readonly archiveName: string;

  private constructor(private readonly zip: ZipReader) {
    const pkl = zip.entries.map((e) => e.name).filter((n) => /^[^/]+\/data\.pkl$/.test(n));
    if (pkl.length !== 1) fail(`expected one '<name>/data.pkl' entry, found ${pkl.length} (is this a torch.save zip checkpoint?)`);
    this.archiveName = pkl[0]!.slice(0, -'/data.pkl'.length);
    const byteorder = `${this.archiveName}/byteorder`;
    if (zip.has(byteorder)) {
      const order = new TextDecoder().decode(zip.readEntry(byteorder)).trim();
      if (order !== 'little') fail(`byteorder is '${order}'; only little-endian checkpoints are supported`);
    }
    const storages = new Map<string, StorageRef>();
    this.root = unpickle(zip.readEntry(pkl[0]!), {
      globals: CHECKPOINT_GLOBALS,
      persistentLoad: (pid) => {
        const items = pid instanceof PyTuple ? pid.items : fail(`persistent id must be a tuple, got a ${typeName(pid)}`);
        const [tag, type, key, , numel] = items;
        if (tag !== 'storage') fail(`unknown persistent id kind ${JSON.stringify(tag)}`);
        const storageType = type instanceof PyGlobal && type.handler.marker instanceof StorageType
          ? type.handler.marker
          : fail(`storage type must be a torch storage class, got a ${typeName(type)}`);
        if (typeof key !== 'string' || typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) {
          return fail('malformed storage id');
        }
        const existing = storages.get(key);
        if (existing) return existing;
        const name = `${this.archiveName}/data/${key}`;
        if (!zip.has(name)) fail(`storage '${key}' has no entry '${name}'`);
        const width = STORAGE_BYTES[storageType.dtype as StorageDType];
        if (width !== undefined && zip.entry(name).size !== numel * width) {
          fail(`storage '${key}' holds ${zip.entry(name).size} bytes but ${numel} ${storageType.dtype} elements need ${numel * width}`);
        }
        const ref = new StorageRef(key, storageType, numel);
        storages.set(key as string, ref);
        return ref;
      },
    });
  }

  /** Opens a file on disk (Node), reading storages only when tensors are read. */
  static open(path: string): TorchCheckpoint {
    return TorchCheckpoint.fromRandomAccess(fileSource(path));
  }

  /** Opens bytes, a Blob/File, a URL (fetched with progress; cached in a browser) or a location string (Node: a path). */
  static async load(input: BytesInput, options: FetchOptions = {}): Promise<TorchCheckpoint> {
    return TorchCheckpoint.fromRandomAccess(await openBytes(input, options));
  }

  static fromBytes(bytes: Uint8Array): TorchCheckpoint {
    return TorchCheckpoint.fromRandomAccess(bytesSource(bytes));
  }

  /** Opens random-access bytes; takes ownership of `src` (closed with the checkpoint, or now on failure). */
  static fromRandomAccess(src: RandomAccess): TorchCheckpoint {
    try {
      return new TorchCheckpoint(new ZipReader(src));
    } catch (e) {
      src.close();
      throw e;
    }
  }

  /** Every tensor reachable through dicts, lists and tuples of the object tree. */
  tensors(): TensorEntry[] {
    const out: TensorEntry[] = [];
    const seen = new Set<unknown>();
    const walk = (v: unknown, path: string) => {
      if (v instanceof TensorRef) out.push({ path, ref: v });
      if (v === null || typeof v !== 'object' || seen.has(v)) return;
      seen.add(v);
      const join = (k: unknown) => (path ? `${path}/${String(k)}` : String(k));
      if (v instanceof PyDict) for (const [k, x] of v.map) walk(x, join(k));
      else if (v instanceof PyTuple) v.items.forEach((x, i) => walk(x, join(i)));
      else if (Array.isArray(v)) v.forEach((x, i) => walk(x, join(i)));
    };
    walk(this.root, '');
    return out;
  }

  /** The tensor's elements as stored (contiguous, row-major, little-endian), read and CRC-checked now. */
  readRaw(ref: TensorRef): { dtype: StorageDType; shape: number[]; bytes: Uint8Array } {
    const dtype = ref.storage.type.dtype;
    const width = STORAGE_BYTES[dtype as StorageDType];
    if (width === undefined) fail(`tensor ${fmtShape(ref.shape)} is stored as ${ref.storage.type.name} (${dtype}), which is not supported`);
    const storage = this.zip.readEntry(`${this.archiveName}/data/${ref.storage.key}`);
    const n = sizeOf(ref.shape);
    const contiguous = stridesOf(ref.shape).every((s, i) => ref.shape[i] === 1 || s === ref.stride[i]);
    if (contiguous) {
      return { dtype: dtype as StorageDType, shape: [...ref.shape], bytes: storage.subarray(ref.offset * width, (ref.offset + n) * width) };
    }
    const out = new Uint8Array(n * width);
    const rank = ref.shape.length;
    const idx = new Array<number>(rank).fill(0);
    for (let i = 0; i < n; i++) {
      let src = ref.offset;
      for (let d = 0; d < rank; d++) src += idx[d]! * ref.stride[d]!;
      out.set(storage.subarray(src * width, (src + 1) * width), i * width);
      for (let d = rank - 1; d >= 0 && ++idx[d]! === ref.shape[d]; d--) idx[d] = 0;
    }
    return { dtype: dtype as StorageDType, shape: [...ref.shape], bytes: out };
  }

  /** Values converted to the computation dtype (float32 or int32). */
  read(ref: TensorRef): { dtype: DType; shape: number[]; data: TypedArray } {
    const raw = this.readRaw(ref);
    try {
      return { ...decodeElements(raw.bytes, raw.dtype), shape: raw.shape };
    } catch (e) {
      if (e instanceof ConversionError) fail(`tensor ${fmtShape(ref.shape)}: ${e.message}`);
      throw e;
    }
  }

  close(): void {
    this.zip.close();
  }
}
