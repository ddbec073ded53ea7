import type { Backend, BackendMemory, DataId, DType, TensorInfo, TypedArray } from '@internimage/core';
import { sizeOf } from '@internimage/core';
import type { DawnInfo } from './dawn.js';
import type { GpujsKernel } from './gpujs_types.js';
import type { SplitPlan } from './split.js';
import { argumentNames, withOffset } from './split.js';
import type { Mode, Storage } from './storage.js';

/** A tensor's storage. Until the kernel producing it has run, `handle` is null and `ready` resolves to it. */
interface Entry {
  handle: unknown;
  ready: Promise<unknown> | null;
  size: number;
  dtype: DType;
  /** Scheduled kernels that read this entry and have not run yet. */
  readers: number;
  disposed: boolean;
  freed: boolean;
  /** Device-resident forms of this tensor (e.g. a transposed weight), disposed with it. */
  derived?: Map<string, TensorInfo>;
  /** A tensor too large for one buffer: its leading-axis parts (then `handle` stays null). */
  parts?: Part[];
}

/** Elements [offset, offset + entry.size) of a split tensor. Parts are element ranges because reshape shares data. */
interface Part {
  offset: number;
  entry: Entry;
}

/** A kernel to run: generated source, 1-D output of sizeOf(shape) elements, inputs bound in order. */
export interface KernelRun {
  /** Kernel name, for messages. */
  name: string;
  source: string;
  /** How to run over leading-axis parts when a tensor exceeds maxElements; kernels without one cannot split. */
  split?: SplitPlan;
  /** Keep the output in one buffer whatever maxElements says (weight forms; bounded by the mode's own limit). */
  whole?: boolean;
  inputs: readonly TensorInfo[];
  shape: readonly number[];
  dtype: DType;
}

export interface GpujsBackendInfo {
  mode: Mode;
  /** For the auto backend 'gpujs': why each mode before `mode` was refused. */
  refused: Partial<Record<Mode, string>>;
  /** webgpu: the Dawn backend and adapter. */
  device?: DawnInfo;
}

const noop = () => {};

/**
 * Tensors live on the device of one gpu.js mode. Kernels are compiled once per generated source (which bakes in
 * shapes and attributes) and chained device to device: the only transfers are write() and read().
 */
export class GpujsBackend implements Backend {
  readonly readSync?: (dataId: DataId) => TypedArray;
  private readonly entries = new Map<DataId, Entry>();
  private readonly kernels = new Map<string, GpujsKernel>();
  private liveHandles = 0;
  private partLaunchCount = 0;
  private limit: number;

  constructor(readonly name: string, private readonly storage: Storage<unknown>, readonly info: GpujsBackendInfo) {
    this.limit = storage.maxElements;
    if (storage.downloadSync) {
      const downloadSync = storage.downloadSync.bind(storage);
      this.readSync = (dataId) => {
        const e = this.entry(dataId);
        const read = (p: Entry): Float32Array => {
          if (p.handle === null) throw new Error(`${this.name}: the tensor is still being computed`);
          return downloadSync(p.handle, p.size);
        };
        return toDType(e.size === 0 ? new Float32Array(0) : e.parts ? concat(e.parts.map((p) => read(p.entry))) : read(e), e.dtype);
      };
    }
  }

  get mode(): Mode {
    return this.storage.mode;
  }

  /** Largest element count of one buffer; larger tensors are split along their leading axis. */
  get maxElements(): number {
    return this.limit;
  }

  /** Lowers the split threshold (tests force splitting with small values); at most the mode's own limit. */
  setMaxElements(n: number): void {
    if (!(Number.isInteger(n) && n >= 1)) throw new Error(`setMaxElements: expected a positive integer, got ${n}`);
    this.limit = Math.min(n, this.storage.maxElements);
  }

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    const size = sizeOf(shape);
    const floats = values instanceof Float32Array ? values : Float32Array.from(values);
    const entry = this.newEntry(size, dtype);
    if (size > this.limit) {
      const n = shape[0]!;
      const rowSize = size / n;
      const rows = this.rowsPerPart(rowSize, 'write');
      entry.parts = [];
      for (let start = 0; start < n; start += rows) {
        const part = this.newEntry(Math.min(rows, n - start) * rowSize, dtype);
        part.handle = this.storage.upload(floats.subarray(start * rowSize, start * rowSize + part.size));
        this.liveHandles++;
        entry.parts.push({ offset: start * rowSize, entry: part });
      }
    } else if (size > 0) {
      entry.handle = this.storage.upload(floats.subarray(0, size));
      this.liveHandles++;
    }
    const id = {};
    this.entries.set(id, entry);
    return id;
  }

  async read(dataId: DataId): Promise<TypedArray> {
    const e = this.entry(dataId);
    if (e.size === 0) return toDType(new Float32Array(0), e.dtype);
    const read = async (p: Entry) => this.storage.download(p.handle ?? (await p.ready), p.size);
    return toDType(e.parts ? concat(await Promise.all(e.parts.map((p) => read(p.entry)))) : await read(e), e.dtype);
  }

  disposeData(dataId: DataId): void {
    const e = this.entries.get(dataId);
    if (!e) return;
    this.entries.delete(dataId);
    e.disposed = true;
    if (e.derived) for (const d of e.derived.values()) this.disposeData(d.dataId);
    this.release(e);
  }

  memory(): BackendMemory {
    let bytes = 0;
    for (const e of this.entries.values()) bytes += e.size * 4;
    return { buffers: this.entries.size, bytes };
  }

  /** Handles (buffers, textures, arrays) the backend holds, including those whose tensor waits for a reader. */
  get handles(): number {
    return this.liveHandles;
  }

  /** Buffers or textures in use on the device itself (webgpu, headlessgl), counted at the device. */
  get deviceObjects(): number {
    return this.storage.deviceObjects();
  }

  /** Kernel launches so far that computed one part of a split tensor. */
  get partLaunches(): number {
    return this.partLaunchCount;
  }

  /** Distinct compiled kernels so far. */
  get compiledKernels(): number {
    return this.kernels.size;
  }

  /** Resolves when every scheduled kernel has run (webgpu builds kernels asynchronously). */
  async settle(): Promise<void> {
    const all = [...this.entries.values()].flatMap((e) => (e.parts ? e.parts.map((p) => p.entry) : [e]));
    await Promise.all(all.map((e) => e.ready?.catch(noop)));
  }

  dispose(): void {
    for (const id of [...this.entries.keys()]) this.disposeData(id);
    for (const k of this.kernels.values()) k.kernel.destroy();
    this.kernels.clear();
    this.storage.dispose();
  }

  /** Runs a generated kernel and returns its output tensor. */
  run(k: KernelRun): TensorInfo {
    const size = sizeOf(k.shape);
    const out = this.newEntry(size, k.dtype);
    const dataId = {};
    const info: TensorInfo = { dataId, shape: [...k.shape], dtype: k.dtype };
    const ins = k.inputs.map((t) => this.entry(t.dataId));
    if (size > 0) {
      for (const e of ins) if (e.size === 0) throw new Error(`${this.name}: ${k.name} got an empty input for a non-empty output`);
      const limit = k.whole ? this.storage.maxElements : this.limit;
      if (size > limit || ins.some((e) => e.parts)) this.runParts(k, out, ins);
      else this.launch(out, k.source, ins);
    }
    this.entries.set(dataId, out);
    return info;
  }

  /**
   * Runs `k` once per range of leading rows, each launch writing its own part of the output. A range never crosses
   * a part boundary of a split input, so every launch binds one part per input.
   */
  private runParts(k: KernelRun, out: Entry, ins: Entry[]): void {
    if (!k.split || k.shape.length === 0) {
      throw new Error(`${this.name}: ${k.name} has a tensor over ${this.limit} elements and cannot split it along its leading axis`);
    }
    const { source, follows } = k.split;
    const n = k.shape[0]!;
    let rows = this.rowsPerPart(out.size / n, `${k.name} output`);
    const boundaries = new Set<number>([n]);
    ins.forEach((e, j) => {
      if (!follows[j]) {
        if (e.parts) throw new Error(`${this.name}: ${k.name} cannot read its input ${j} (${e.size} elements) whole: it is split`);
        return;
      }
      const rowSize = e.size / n;
      rows = Math.min(rows, this.rowsPerPart(rowSize, `${k.name} input`));
      for (const p of e.parts ?? []) {
        if (p.offset % rowSize !== 0) throw new Error(`${this.name}: ${k.name} input ${j} is split inside a leading row`);
        boundaries.add(p.offset / rowSize);
      }
    });
    const cuts = [...boundaries].sort((a, b) => a - b);
    const names = argumentNames(k.source);
    const outRow = out.size / n;
    out.parts = [];
    for (let start = 0; start < n;) {
      const end = Math.min(start + rows, cuts.find((c) => c > start)!);
      let src = source(end - start);
      const partIns = ins.map((e, j) => {
        if (!follows[j]) return e;
        const first = start * (e.size / n);
        const holder = e.parts ? e.parts.find((p) => p.offset <= first && first < p.offset + p.entry.size)! : { offset: 0, entry: e };
        src = withOffset(src, names[j]!, first - holder.offset);
        return holder.entry;
      });
      const part = this.newEntry((end - start) * outRow, out.dtype);
      this.launch(part, src, partIns);
      this.partLaunchCount++;
      out.parts.push({ offset: start * outRow, entry: part });
      start = end;
    }
  }

  /** Leading rows that fit one part. */
  private rowsPerPart(rowSize: number, what: string): number {
    const rows = Math.floor(this.limit / Math.max(rowSize, 1));
    if (rows < 1) throw new Error(`${this.name}: one leading slice of the ${what} (${rowSize} elements) exceeds ${this.limit} elements`);
    return rows;
  }

  private launch(out: Entry, source: string, ins: Entry[]): void {
    const kernel = this.compiled(source, out.size, ins);
    if (ins.every((e) => e.handle !== null)) {
      const result = this.storage.launch(kernel, ins.map((e) => e.handle));
      if (!(result instanceof Promise)) {
        out.handle = result;
        this.liveHandles++;
        return;
      }
      this.await(out, ins, () => result);
    } else {
      this.await(out, ins, () => Promise.all(ins.map((e) => e.handle ?? e.ready)).then((hs) => this.storage.launch(kernel, hs)));
    }
  }

  /**
   * A device-resident form of a tensor computed once (e.g. a weight transposed for coalesced reads), kept until the
   * tensor is disposed.
   */
  derived(t: TensorInfo, key: string, make: () => TensorInfo): TensorInfo {
    const e = this.entry(t.dataId);
    e.derived ??= new Map();
    let d = e.derived.get(key);
    if (!d) e.derived.set(key, (d = make()));
    return d;
  }

  private await(out: Entry, ins: Entry[], start: () => Promise<unknown>): void {
    for (const e of ins) e.readers++;
    const ready = start().then((h) => {
      out.handle = h;
      this.liveHandles++;
      return h;
    });
    out.ready = ready;
    ready.catch(noop).finally(() => {
      for (const e of ins) {
        e.readers--;
        this.release(e);
      }
    });
  }

  /** Frees a disposed entry's handle once no scheduled kernel still needs it. */
  private release(e: Entry): void {
    if (e.parts) {
      for (const p of e.parts) {
        p.entry.disposed = true;
        this.release(p.entry);
      }
      return;
    }
    if (!e.disposed || e.freed || e.readers > 0) return;
    if (e.handle !== null) {
      e.freed = true;
      this.storage.free(e.handle);
      this.liveHandles--;
    } else if (e.ready) {
      e.ready.then(() => this.release(e), noop);
    }
  }

  /** Compiled once per (source, output size, input sizes): gpu.js fixes argument sizes when it builds a kernel. */
  private compiled(source: string, size: number, ins: Entry[]): GpujsKernel {
    const key = `${size}|${ins.map((e) => e.size).join(',')}|${source}`;
    let k = this.kernels.get(key);
    if (!k) this.kernels.set(key, (k = this.storage.compile(source, size)));
    return k;
  }

  private newEntry(size: number, dtype: DType): Entry {
    return { handle: null, ready: null, size, dtype, readers: 0, disposed: false, freed: false };
  }

  private entry(dataId: DataId): Entry {
    const e = this.entries.get(dataId);
    if (!e) throw new Error(`${this.name}: buffer not found (disposed, or created by another backend)`);
    return e;
  }
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function toDType(values: Float32Array, dtype: DType): TypedArray {
  return dtype === 'float32' ? values : Int32Array.from(values);
}

export function asGpujs(backend: Backend): GpujsBackend {
  if (!(backend instanceof GpujsBackend)) throw new Error(`gpujs kernel called with backend '${backend.name}'`);
  return backend;
}
