import type {
  Backend, BackendMemory, DataId, DType, KernelArgs, KernelConfig, KernelName, TensorInfo, TypedArray,
} from '@internimage/core';
import { allocTyped, sizeOf } from '@internimage/core';

/** Value written into fresh outputs so that an element a kernel forgets to write shows up (NaN for floats). */
const POISON_INT = -2147483648;

/** Reference backend: each buffer is a typed array in this process. Other backends may reuse this storage. */
export class CpuBackend implements Backend {
  constructor(readonly name: string = 'cpu') {}

  readonly floatPrecision = 32 as const;
  private readonly store = new Map<DataId, TypedArray>();

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    const copy = allocTyped(dtype, sizeOf(shape));
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
    this.store.delete(dataId);
  }

  memory(): BackendMemory {
    let bytes = 0;
    for (const v of this.store.values()) bytes += v.byteLength;
    return { buffers: this.store.size, bytes };
  }

  dispose(): void {
    this.store.clear();
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

  /** A fresh, poisoned output buffer for a kernel to fill. */
  alloc(shape: readonly number[], dtype: DType): { info: TensorInfo; out: TypedArray } {
    const out = allocTyped(dtype, sizeOf(shape));
    out.fill(dtype === 'float32' ? NaN : POISON_INT);
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
