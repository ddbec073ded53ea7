import type { GPUInstance, GpujsKernel } from './gpujs_types.js';
import { gpujs } from './gpujs_types.js';
import type { Storage } from './storage.js';
import { KERNEL_SETTINGS, assertMode } from './storage.js';
import { MAX_INDEXABLE } from './codegen.js';

/**
 * cpu and webasm modes: gpu.js keeps no device memory there, so a handle is a Float32Array in this process. webasm
 * copies its arguments into the kernel's own WebAssembly memory on every call (a memcpy, not an upload).
 */
export class HostStorage implements Storage<Float32Array> {
  private readonly gpu: GPUInstance;
  readonly maxElements = MAX_INDEXABLE;

  constructor(readonly mode: 'webasm' | 'cpu') {
    this.gpu = new gpujs.GPU({ mode });
  }

  upload(values: Float32Array): Float32Array {
    return Float32Array.from(values);
  }

  download(handle: Float32Array, size: number): Promise<Float32Array> {
    return Promise.resolve(this.downloadSync(handle, size));
  }

  downloadSync(handle: Float32Array, size: number): Float32Array {
    return handle.slice(0, size);
  }

  free(): void {}

  compile(source: string, size: number): GpujsKernel {
    return this.gpu.createKernel(source, { ...KERNEL_SETTINGS, output: [size] });
  }

  launch(kernel: GpujsKernel, args: readonly Float32Array[]): Float32Array {
    const out = kernel(...args) as Float32Array;
    assertMode(kernel, this.mode);
    return out;
  }

  deviceObjects(): number {
    return 0;
  }

  dispose(): void {
    this.gpu.destroy();
  }
}
