import type {
  Backend, BackendMemory, DataId, DType, KernelArgs, KernelConfig, KernelName, TensorInfo, TypedArray,
} from '@internimage/core';
import { allocTyped, sizeOf } from '@internimage/core';

/** Value written into fresh outputs so that an element a kernel forgets to write shows up (NaN for floats). */
const POISON_INT = -2147483648;

export interface CpuStorageOptions {
  /** Fill each fresh kernel output with NaN (int32: −2³¹) so that an element a kernel forgets to write shows up. */
  poison: boolean;
  /**
   * Keep the arrays of disposed buffers (up to this many bytes) and hand them out again for buffers of the same
   * dtype and length: a forward pass repeats its shapes, and fresh arrays cost page faults and zeroing. 0: none.
   */
  recycleBytes: number;
}

/** Reference backend: each buffer is a typed array in this process. Other backends may reuse this storage. */
export class CpuBackend implements Backend {
  private readonly options: CpuStorageOptions;

  constructor(readonly name: string = 'cpu', options: Partial<CpuStorageOptions> = {}) {
    this.options = { poison: true, recycleBytes: 0, ...options };
  }

  readonly floatPrecision = 32 as const;
  private readonly store = new Map<DataId, TypedArray>();
  /** Arrays of disposed buffers by dtype and length (see CpuStorageOptions.recycleBytes). */
  private readonly spare = new Map<string, TypedArray[]>();
  private spareBytes = 0;

  private take(dtype: DType, size: number): TypedArray {
    const list = this.spare.get(`${dtype} ${size}`);
    const reused = list?.pop();
    if (!reused) return allocTyped(dtype, size);
    this.spareBytes -= reused.byteLength;
    return reused;
  }

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    const copy = this.take(dtype, sizeOf(shape));
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
    const v = this.store.get(dataId);
    if (!v) throw new Error('cpu backend: buffer not found (disposed, or created by another backend)');
    return v;
  }

  disposeData(dataId: DataId): void {
    const v = this.store.get(dataId);
    if (!v) return;
    this.store.delete(dataId);
    if (this.spareBytes + v.byteLength > this.options.recycleBytes) return;
    const key = `${v instanceof Float32Array ? 'float32' : 'int32'} ${v.length}`;
    const list = this.spare.get(key);
    if (list) list.push(v);
    else this.spare.set(key, [v]);
    this.spareBytes += v.byteLength;
  }

  memory(): BackendMemory {
    let bytes = 0;
    for (const v of this.store.values()) bytes += v.byteLength;
    return { buffers: this.store.size, bytes };
  }

  dispose(): void {
    this.store.clear();
    this.spare.clear();
    this.spareBytes = 0;
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

  /**
   * An output buffer for a kernel to fill, every element of it: poisoned, or with stale values when recycled
   * (zeros when fresh).
   */
  alloc(shape: readonly number[], dtype: DType): { info: TensorInfo; out: TypedArray } {
    const out = this.take(dtype, sizeOf(shape));
    if (this.options.poison) out.fill(dtype === 'float32' ? NaN : POISON_INT);
    const dataId = {};
    this.store.set(dataId, out);
    return { info: { dataId, shape: [...shape], dtype }, out };
  }

  allocFloat(shape: readonly number[]): { info: TensorInfo; out: Float32Array } {
    return this.alloc(shape, 'float32') as { info: TensorInfo; out: Float32Array };
  }
}

export function asCpu(backend: Backend): CpuBackend {
  if (!(backend instanceof CpuBackend)) throw new Error(`cpu kernel called with backend '${backend.name}'`);
  return backend;
}

/** A kernel config over typed-array storage: `fn` receives the kernel's typed args and the backend. */
export function cpuKernel<K extends KernelName>(
  kernelName: K,
  fn: (args: KernelArgs<K>, cpu: CpuBackend) => TensorInfo,
  backendName = 'cpu',
): KernelConfig<K> {
  return { kernelName, backendName, kernelFunc: (args) => fn(args, asCpu(args.backend)) };
}
