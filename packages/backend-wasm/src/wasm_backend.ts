// The wasm backend's storage: typed arrays in the WebAssembly heap (the shared typed-array backend), plus weights
// that a kernel keeps in its own packed layout instead of holding them twice.
import type { ArrayStorage } from '@internimage/backend-cpu/shared';
import { TypedArrayBackend, asTypedArrayBackend } from '@internimage/backend-cpu/shared';
import type { Backend, DataId, KernelArgs, KernelConfig, KernelName, TensorInfo, TypedArray } from '@internimage/core';
import { gemmUsesFma } from './gemm.js';
import { heap } from './heap.js';
import type { ThreadsInfo } from './threads.js';
import { threadsInfo } from './threads.js';

/** Tensors live in the WebAssembly heap, where every kernel reads and writes them in place. */
const heapArrays: ArrayStorage = {
  allocate: (dtype, size) => {
    const at = heap().alloc(size * 4);
    return dtype === 'float32' ? heap().floats(at, size) : heap().ints(at, size);
  },
  release: (array) => heap().release(array.byteOffset, array.byteLength),
};

export class WasmBackend extends TypedArrayBackend {
  /** Buffers stored in a kernel's layout (see relayout): how to read their values, and their size in that form. */
  private readonly relaid = new Map<DataId, { logical: () => TypedArray; bytes: number }>();

  constructor(options: { poison: boolean }) {
    super('wasm', { poison: options.poison, storage: heapArrays });
  }

  /** What the backend runs with: its threads (and why fewer than asked for), and whether GEMMs fuse multiply-adds (relaxed SIMD). */
  get info(): ThreadsInfo & { relaxedSimd: boolean } {
    return { ...threadsInfo(), relaxedSimd: gemmUsesFma() };
  }

  /** A new array in the usual layout for a buffer a kernel has relaid. */
  override readSync(dataId: DataId): TypedArray {
    const v = super.readSync(dataId);
    return this.relaid.get(dataId)?.logical() ?? v;
  }

  /**
   * Keeps a buffer's values in another layout from now on (a kernel's packed form of a weight, so that the weight
   * is not held twice): `array` (from the heap, or the old array's own block rewritten: `inPlace`) replaces the
   * buffer's array, the old one is released unless in place, and reads of the buffer's values go through `logical`
   * (a new array in the usual layout: slow, for the rare reader other than that kernel).
   */
  relayout(dataId: DataId, array: TypedArray, logical: () => TypedArray, inPlace: boolean): void {
    const old = this.arrayOf(dataId);
    this.relaid.set(dataId, { logical, bytes: this.relaid.get(dataId)?.bytes ?? old.byteLength });
    this.replaceArray(dataId, array, inPlace);
  }

  /** Whether relayout() has given the buffer another layout. */
  relaidBuffer(dataId: DataId): boolean {
    return this.relaid.has(dataId);
  }

  /** Relaid buffers count with their logical size, so that memory() does not move when a kernel first packs one. */
  protected override bytesOf(dataId: DataId, array: TypedArray): number {
    return this.relaid.get(dataId)?.bytes ?? array.byteLength;
  }

  override disposeData(dataId: DataId): void {
    this.relaid.delete(dataId);
    super.disposeData(dataId);
  }

  override dispose(): void {
    this.relaid.clear();
    super.dispose();
  }
}

function asWasm(backend: Backend): WasmBackend {
  const b = asTypedArrayBackend(backend, 'wasm');
  if (!(b instanceof WasmBackend)) throw new Error(`wasm kernel called with backend '${backend.name}'`);
  return b;
}

/** A kernel of this backend: `fn` receives the kernel's typed args and the backend. */
export function wasmKernel<K extends KernelName>(kernelName: K, fn: (args: KernelArgs<K>, backend: WasmBackend) => TensorInfo): KernelConfig<K> {
  return { kernelName, backendName: 'wasm', kernelFunc: (args) => fn(args, asWasm(args.backend)) };
}
