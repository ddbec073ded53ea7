import type {
  Backend, BackendMemory, DataId, DType, KernelArgs, KernelConfig, KernelName, TensorInfo, TypedArray,
} from '@internimage/core';
import { POISON, allocTyped, sizeOf } from '@internimage/core';

/** Where a backend on this storage keeps its arrays (the wasm backend: views into its WebAssembly memory). */
export interface ArrayStorage {
  /** A new array of `size` elements; its values are undefined (kernels write every element). */
  allocate(dtype: DType, size: number): TypedArray;
  /** Takes back an array from allocate() that nothing uses any more. */
  release(array: TypedArray): void;
}

export interface CpuStorageOptions {
  /** Fill each fresh kernel output with core's POISON so that an element a kernel forgets to write shows up. */
  poison: boolean;
  /** Default: ordinary typed arrays, left to the garbage collector. */
  storage: ArrayStorage;
}

const typedArrays: ArrayStorage = { allocate: allocTyped, release: () => {} };

/** Reference backend: each buffer is a typed array in this process. Other backends may reuse this storage. */
export class CpuBackend implements Backend {
  private readonly options: CpuStorageOptions;

  constructor(readonly name: string = 'cpu', options: Partial<CpuStorageOptions> = {}) {
    this.options = { poison: true, storage: typedArrays, ...options };
  }

  private readonly store = new Map<DataId, TypedArray>();
  /** Buffers stored in a kernel's layout (see relayout): how to read their values, and their size in that form. */
  private readonly relaid = new Map<DataId, { logical: () => TypedArray; bytes: number }>();

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    const copy = this.options.storage.allocate(dtype, sizeOf(shape));
    copy.set(values);
    const id = {};
    this.store.set(id, copy);
    return id;
  }

  read(dataId: DataId): Promise<TypedArray> {
    return Promise.resolve(this.readSync(dataId));
  }

  /** The backend's own array (callers that hand it out must copy); a new one for a buffer stored in another layout. */
  readSync(dataId: DataId): TypedArray {
    const v = this.store.get(dataId);
    if (!v) throw new Error('cpu backend: buffer not found (disposed, or created by another backend)');
    return this.relaid.get(dataId)?.logical() ?? v;
  }

  /**
   * Keeps a buffer's values in another layout from now on (a kernel's packed form of a weight, so that the weight
   * is not held twice): `array` (from the storage's allocate, or the old array's own storage rewritten: `inPlace`)
   * replaces the buffer's array, the old one is released unless in place, and reads of the buffer's values go through
   * `logical` (a new array in the usual layout: slow, for the rare reader other than that kernel).
   */
  relayout(dataId: DataId, array: TypedArray, logical: () => TypedArray, inPlace: boolean): void {
    const old = this.store.get(dataId);
    if (!old) throw new Error('cpu backend: buffer not found (disposed, or created by another backend)');
    this.relaid.set(dataId, { logical, bytes: this.relaid.get(dataId)?.bytes ?? old.byteLength });
    this.store.set(dataId, array);
    if (!inPlace) this.options.storage.release(old);
  }

  /** Whether relayout() has given the buffer another layout. */
  relaidBuffer(dataId: DataId): boolean {
    return this.relaid.has(dataId);
  }

  disposeData(dataId: DataId): void {
    const v = this.store.get(dataId);
    if (!v) return;
    this.store.delete(dataId);
    this.relaid.delete(dataId);
    this.options.storage.release(v);
  }

  memory(): BackendMemory {
    let bytes = 0;
    // Relaid buffers count with their logical size, so that memory() does not move when a kernel first packs one.
    for (const [id, v] of this.store) bytes += this.relaid.get(id)?.bytes ?? v.byteLength;
    return { buffers: this.store.size, bytes };
  }

  dispose(): void {
    for (const v of this.store.values()) this.options.storage.release(v);
    this.store.clear();
    this.relaid.clear();
  }

  /** Values of a kernel input. */
  values(t: TensorInfo): TypedArray {
    return this.readSync(t.dataId);
  }

  floats(t: TensorInfo): Float32Array {
    const v = this.readSync(t.dataId);
    if (!(v instanceof Float32Array)) throw new Error(`cpu backend: expected a float32 buffer, got ${t.dtype}`);
    return v;
  }

  /** An output buffer for a kernel to fill, every element of it (poisoned, or with undefined values). */
  alloc(shape: readonly number[], dtype: DType): { info: TensorInfo; out: TypedArray } {
    const out = this.options.storage.allocate(dtype, sizeOf(shape));
    if (this.options.poison) out.fill(POISON[dtype]);
    const dataId = {};
    this.store.set(dataId, out);
    return { info: { dataId, shape: [...shape], dtype }, out };
  }

  allocFloat(shape: readonly number[]): { info: TensorInfo; out: Float32Array } {
    return this.alloc(shape, 'float32') as { info: TensorInfo; out: Float32Array };
  }
}

/**
 * The typed-array storage a kernel of cpu or wasm runs on. The error names the kernel, not a backend: wasm
 * registers the cpu kernels' configs under its own name.
 */
export function asCpu(backend: Backend, kernelName = 'a typed-array kernel'): CpuBackend {
  if (!(backend instanceof CpuBackend)) {
    throw new Error(`${kernelName} needs a backend that stores typed arrays (cpu, wasm), got '${backend.name}'`);
  }
  return backend;
}

/** A kernel config over typed-array storage: `fn` receives the kernel's typed args and the backend. */
export function cpuKernel<K extends KernelName>(
  kernelName: K,
  fn: (args: KernelArgs<K>, cpu: CpuBackend) => TensorInfo,
  backendName = 'cpu',
): KernelConfig<K> {
  return { kernelName, backendName, kernelFunc: (args) => fn(args, asCpu(args.backend, `kernel ${kernelName}`)) };
}
