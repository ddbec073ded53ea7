// The Backend: float32/int32 tensors as device buffers from the stream-ordered pool. Kernels only enqueue work;
// read() is the one place that waits (asynchronously) for the stream.
import type {
  Backend, BackendMemory, DataId, DType, KernelArgs, KernelConfig, KernelName, KernelTimer, TensorInfo, TypedArray,
} from '@internimage/core';
import { poisonBits, sizeOf } from '@internimage/core';
import type { CudaDevice, Ptr } from './device.js';
import { CudaError } from './device.js';

interface Buffer {
  ptr: Ptr;
  bytes: number;
  dtype: DType;
}

/** The values as the typed array the device stores for dtype (converted like a typed-array assignment would). */
function asStorage(values: TypedArray, dtype: DType): TypedArray {
  if (dtype === 'float32') return values instanceof Float32Array ? values : Float32Array.from(values);
  return values instanceof Int32Array ? values : Int32Array.from(values);
}

export const DTYPE_CODE: Record<DType, number> = { float32: 0, int32: 1 };

export class CudaBackend implements Backend {
  readonly name = 'cuda';
  private readonly store = new Map<DataId, Buffer>();
  private bytesHeld = 0;
  /** Outputs allocated by the kernel now running, freed again if it throws. */
  private fresh: DataId[] = [];

  constructor(readonly device: CudaDevice) {}

  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId {
    const bytes = sizeOf(shape) * 4;
    const ptr = bytes === 0 ? 0 : this.device.alloc(bytes, 'write');
    try {
      if (bytes > 0) this.device.upload(ptr, asStorage(values, dtype).subarray(0, sizeOf(shape)), 'write');
    } catch (e) {
      this.device.free(ptr);
      throw e;
    }
    const id = {};
    this.store.set(id, { ptr, bytes, dtype });
    this.bytesHeld += bytes;
    return id;
  }

  async read(dataId: DataId): Promise<TypedArray> {
    const b = this.buffer(dataId);
    const bytes = b.bytes === 0 ? new ArrayBuffer(0) : await this.device.download(b.ptr, b.bytes, 'read');
    return b.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes);
  }

  disposeData(dataId: DataId): void {
    const b = this.store.get(dataId);
    if (!b) return;
    this.store.delete(dataId);
    this.bytesHeld -= b.bytes;
    this.device.free(b.ptr);
  }

  memory(): BackendMemory {
    return { buffers: this.store.size, bytes: this.bytesHeld };
  }

  dispose(): void {
    for (const id of [...this.store.keys()]) this.disposeData(id);
  }

  /** Device time of one kernel's launches, between two CUDA events (for engine.profile). */
  kernelTimer(): KernelTimer {
    const a = this.device.addon;
    const [start, end] = [a.eventCreate(), a.eventCreate()];
    a.eventRecord(start);
    return {
      stop: () => a.eventRecord(end),
      read: () => {
        try {
          return a.eventElapsed(start, end);
        } finally {
          a.eventDestroy(start);
          a.eventDestroy(end);
        }
      },
    };
  }

  /** Device pointer of a kernel input. */
  ptr(t: TensorInfo | undefined): Ptr {
    return t === undefined ? 0 : this.buffer(t.dataId).ptr;
  }

  /** A fresh output buffer (poisoned when INTERNIMAGE_CUDA_POISON is set). */
  alloc(shape: readonly number[], dtype: DType, op: string): { info: TensorInfo; ptr: Ptr } {
    const n = sizeOf(shape);
    const bytes = n * 4;
    const ptr = bytes === 0 ? 0 : this.device.alloc(bytes, op);
    const dataId = {};
    this.store.set(dataId, { ptr, bytes, dtype });
    this.bytesHeld += bytes;
    this.fresh.push(dataId);
    if (this.device.settings.poison && n > 0) this.device.fill32(op, ptr, n, poisonBits(dtype));
    return { info: { dataId, shape: [...shape], dtype }, ptr };
  }

  /** Runs a kernel body: on failure frees what it allocated and names the op in the error. */
  run(op: string, body: () => TensorInfo): TensorInfo {
    this.fresh = [];
    try {
      const out = body();
      this.fresh = [];
      return out;
    } catch (e) {
      for (const id of this.fresh) this.disposeData(id);
      this.fresh = [];
      if (e instanceof CudaError) throw e;
      throw new CudaError(op, e instanceof Error ? e.message : String(e));
    }
  }

  private buffer(dataId: DataId): Buffer {
    const b = this.store.get(dataId);
    if (!b) throw new Error('cuda backend: buffer not found (disposed, or created by another backend)');
    return b;
  }
}

export function asCuda(backend: Backend): CudaBackend {
  if (!(backend instanceof CudaBackend)) throw new Error(`cuda kernel called with backend '${backend.name}'`);
  return backend;
}

/** A kernel config for the cuda backend; `fn` enqueues launches and returns the output it allocated. */
export function cudaKernel<K extends KernelName>(
  kernelName: K,
  fn: (args: KernelArgs<K>, cuda: CudaBackend) => TensorInfo,
): KernelConfig<K> {
  return {
    kernelName,
    backendName: 'cuda',
    kernelFunc: (args) => {
      const be = asCuda(args.backend);
      return be.run(kernelName, () => fn(args, be));
    },
  };
}
