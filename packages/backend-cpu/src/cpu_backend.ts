import type {
  Backend, BackendMemory, DataId, DType, KernelArgs, KernelConfig, KernelName, TensorInfo, TypedArray,
} from '@internimage/core';
import { allocTyped, sizeOf } from '@internimage/core';

/** Value written into fresh outputs so that an element a kernel forgets to write shows up (NaN for floats). */
const POISON_INT = -2147483648;

/** Where a backend on this storage keeps its arrays (the wasm backend: views into its WebAssembly memory). */
export interface ArrayStorage {
  /** A new array of `size` elements; its values are undefined (kernels write every element). */
  allocate(dtype: DType, size: number): TypedArray;
  /** Takes back an array from allocate() that nothing uses any more. */
  release(array: TypedArray): void;
}

export interface TypedArrayStorageOptions {
  /** Fill each fresh kernel output with NaN (int32: −2³¹) so that an element a kernel forgets to write shows up. */
  poison: boolean;
  /** Default: ordinary typed arrays, left to the garbage collector. */
  storage: ArrayStorage;
}

const typedArrays: ArrayStorage = { allocate: allocTyped, release: () => {} };

/**
 * A backend whose buffers are typed arrays in this thread: the reference backend 'cpu', and the storage of 'wasm'
 * (arrays in its WebAssembly memory).
 */
export class TypedArrayBackend implements Backend {
  private readonly options: TypedArrayStorageOptions;

  constructor(readonly name: string = 'cpu', options: Partial<TypedArrayStorageOptions> = {}) {
    this.options = { poison: true, storage: typedArrays, ...options };
  }

  readonly floatPrecision = 32 as const;
  private readonly store = new Map<DataId, TypedArray>();

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

  /** The backend's own array (callers that hand it out must copy). */
  readSync(dataId: DataId): TypedArray {
    return this.arrayOf(dataId);
  }

  /** The array that stores the buffer, whatever layout it holds. */
  protected arrayOf(dataId: DataId): TypedArray {
    const v = this.store.get(dataId);
    if (!v) throw new Error(`${this.name} backend: buffer not found (disposed, or created by another backend)`);
    return v;
  }

  /** Stores `array` for the buffer from now on, releasing the previous array unless `array` reuses its storage. */
  protected replaceArray(dataId: DataId, array: TypedArray, reusesStorage: boolean): void {
    const old = this.arrayOf(dataId);
    this.store.set(dataId, array);
    if (!reusesStorage) this.options.storage.release(old);
  }

  /** Bytes the buffer counts for in memory(). */
  protected bytesOf(_dataId: DataId, array: TypedArray): number {
    return array.byteLength;
  }

  disposeData(dataId: DataId): void {
    const v = this.store.get(dataId);
    if (!v) return;
    this.store.delete(dataId);
    this.options.storage.release(v);
  }

  memory(): BackendMemory {
    let bytes = 0;
    for (const [id, v] of this.store) bytes += this.bytesOf(id, v);
    return { buffers: this.store.size, bytes };
  }

  dispose(): void {
    for (const v of this.store.values()) this.options.storage.release(v);
    this.store.clear();
  }

  /** Values of a kernel input. */
  values(t: TensorInfo): TypedArray {
    return this.readSync(t.dataId);
  }

  floats(t: TensorInfo): Float32Array {
    const v = this.readSync(t.dataId);
    if (!(v instanceof Float32Array)) throw new Error(`${this.name} backend: expected a float32 buffer, got ${t.dtype}`);
    return v;
  }

  /** An output buffer for a kernel to fill, every element of it (poisoned, or with undefined values). */
  alloc(shape: readonly number[], dtype: DType): { info: TensorInfo; out: TypedArray } {
    const out = this.options.storage.allocate(dtype, sizeOf(shape));
    if (this.options.poison) out.fill(dtype === 'float32' ? NaN : POISON_INT);
    const dataId = {};
    this.store.set(dataId, out);
    return { info: { dataId, shape: [...shape], dtype }, out };
  }

  allocFloat(shape: readonly number[]): { info: TensorInfo; out: Float32Array } {
    return this.alloc(shape, 'float32') as { info: TensorInfo; out: Float32Array };
  }
}

/** The backend a kernel registered for `backendName` runs on, which must keep typed arrays. */
export function asTypedArrayBackend(backend: Backend, backendName: string): TypedArrayBackend {
  if (!(backend instanceof TypedArrayBackend)) throw new Error(`${backendName} kernel called with backend '${backend.name}'`);
  return backend;
}

/** A kernel config over typed-array storage: `fn` receives the kernel's typed args and the backend. */
export function typedArrayKernel<K extends KernelName>(
  kernelName: K,
  fn: (args: KernelArgs<K>, backend: TypedArrayBackend) => TensorInfo,
  backendName: string,
): KernelConfig<K> {
  return { kernelName, backendName, kernelFunc: (args) => fn(args, asTypedArrayBackend(args.backend, backendName)) };
}

/** A kernel of the reference backend 'cpu'. */
export const cpuKernel = <K extends KernelName>(kernelName: K, fn: (args: KernelArgs<K>, cpu: TypedArrayBackend) => TensorInfo): KernelConfig<K> =>
  typedArrayKernel(kernelName, fn, 'cpu');
