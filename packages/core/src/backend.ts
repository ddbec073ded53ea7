import type { DType, TypedArray } from './dtypes.js';
import type { KernelTimer } from './profile.js';

/** Opaque key of a buffer owned by a backend. */
export type DataId = object;

/** What a kernel receives and returns: a buffer on the kernel's backend with its shape and dtype. */
export interface TensorInfo {
  readonly dataId: DataId;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

export interface BackendMemory {
  /** Buffers the backend currently holds. */
  buffers: number;
  bytes: number;
}

/**
 * A backend is storage plus kernels. Math lives in kernels (see kernel_registry.ts); the backend only moves bytes.
 * `write` must copy `values`: tensors are immutable and the caller may reuse its array.
 */
export interface Backend {
  readonly name: string;
  write(values: TypedArray, shape: readonly number[], dtype: DType): DataId;
  read(dataId: DataId): Promise<TypedArray>;
  /** Present only when the backend can read synchronously. */
  readSync?(dataId: DataId): TypedArray;
  disposeData(dataId: DataId): void;
  memory(): BackendMemory;
  dispose(): void;
  /** Optional: a timer for the device work of one kernel dispatch (see engine.profile); else the host clock is used. */
  kernelTimer?(): KernelTimer;
}

/** Creates a backend; throws (or rejects) with the reason when the backend cannot run here. */
export type BackendFactory = () => Backend | Promise<Backend>;
