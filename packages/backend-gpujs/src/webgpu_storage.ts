import { MAX_INDEXABLE } from './codegen.js';
import type {
  GPUInstance, GpuBuffer, GpuDevice, GpujsKernel, GpujsKernelInstance, WebGPUBufferResult, WebGPUContextObject,
} from './gpujs_types.js';
import { uninstallDawn } from './dawn.js';
import { gpujs } from './gpujs_types.js';
import type { Storage } from './storage.js';
import { KERNEL_SETTINGS, assertMode } from './storage.js';

// GPUBufferUsage / GPUMapMode values (fixed by the WebGPU spec).
const STORAGE = 0x0080;
const COPY_SRC = 0x0004;
const COPY_DST = 0x0008;
const MAP_READ = 0x0001;

/** WebGPU storages alive: the shared device and Dawn's navigator go when the last one is disposed. */
let openStorages = 0;

/** Counts the device's live buffers by wrapping createBuffer / destroy once per device. */
const liveBuffers = new WeakMap<GpuDevice, { count: number }>();

function countBuffers(device: GpuDevice): { count: number } {
  let counter = liveBuffers.get(device);
  if (counter) return counter;
  const live = (counter = { count: 0 });
  liveBuffers.set(device, live);
  const create = device.createBuffer.bind(device);
  device.createBuffer = (descriptor) => {
    const buffer = create(descriptor);
    live.count++;
    const destroy = buffer.destroy.bind(buffer);
    let destroyed = false;
    buffer.destroy = () => {
      if (!destroyed) {
        destroyed = true;
        live.count--;
      }
      destroy();
    };
    return buffer;
  };
  return live;
}

/**
 * webgpu mode: a handle is gpu.js's WebGPUBufferResult over a storage buffer. Tensors written by the backend are
 * uploaded once into their own buffer; kernels bind handles directly, so nothing is re-uploaded per call.
 */
export class WebGPUStorage implements Storage<WebGPUBufferResult> {
  readonly mode = 'webgpu' as const;
  readonly maxElements: number;
  private readonly gpu: GPUInstance;
  private readonly device: GpuDevice;
  private readonly buffers: { count: number };

  constructor(private readonly context: WebGPUContextObject) {
    this.gpu = new gpujs.GPU({ mode: 'webgpu' });
    this.device = context.device;
    this.buffers = countBuffers(this.device);
    const { maxStorageBufferBindingSize, maxBufferSize } = this.device.limits;
    this.maxElements = Math.min(MAX_INDEXABLE, Math.floor(Math.min(maxStorageBufferBindingSize, maxBufferSize) / 4));
    openStorages++;
  }

  upload(values: Float32Array): WebGPUBufferResult {
    const buffer = this.device.createBuffer({ size: Math.max(4, values.byteLength), usage: STORAGE | COPY_SRC | COPY_DST });
    if (values.length > 0) this.device.queue.writeBuffer(buffer, 0, values);
    return new gpujs.WebGPUBufferResult({ buffer, output: [Math.max(1, values.length)], context: this.context, kernel: null });
  }

  async download(handle: WebGPUBufferResult, size: number): Promise<Float32Array> {
    if (size === 0) return new Float32Array(0);
    const bytes = size * 4;
    const staging = this.device.createBuffer({ size: bytes, usage: MAP_READ | COPY_DST });
    try {
      const encoder = this.device.createCommandEncoder();
      encoder.copyBufferToBuffer(handle.buffer, 0, staging, 0, bytes);
      this.device.queue.submit([encoder.finish()]);
      await staging.mapAsync(MAP_READ, 0, bytes);
      const out = new Float32Array(staging.getMappedRange(0, bytes).slice(0));
      staging.unmap();
      return out;
    } finally {
      staging.destroy();
    }
  }

  free(handle: WebGPUBufferResult): void {
    handle.delete();
  }

  compile(source: string, size: number): GpujsKernel {
    return this.gpu.createKernel(source, { ...KERNEL_SETTINGS, output: [size] });
  }

  launch(kernel: GpujsKernel, args: readonly WebGPUBufferResult[]): WebGPUBufferResult | Promise<WebGPUBufferResult> {
    if (this.context.isLost) throw new Error('webgpu: the device was lost');
    const inner = kernel.kernel;
    if (!inner.built) {
      // First call: gpu.js compiles the WGSL module and pipeline asynchronously, then runs.
      return (kernel(...args) as Promise<WebGPUBufferResult>).then((handle) => {
        assertMode(kernel, 'webgpu');
        releaseKernelReference(inner);
        return handle;
      });
    }
    // A built kernel submits synchronously and only wraps its (already created) output in a promise, so the output
    // buffer is adopted here and the promised wrapper dropped: the steady state needs no promise at all.
    const promised = kernel(...args) as Promise<WebGPUBufferResult>;
    const buffer = inner.outputBuffer;
    if (!buffer) return promised; // the run threw; the promise carries the error
    const handle = new gpujs.WebGPUBufferResult({ buffer, output: [...inner.output!], context: this.context, kernel: inner });
    promised.then((h) => h.delete(), () => {});
    releaseKernelReference(inner);
    return handle;
  }

  deviceObjects(): number {
    return this.buffers.count;
  }

  dispose(): void {
    this.gpu.destroy();
    if (--openStorages === 0) {
      void gpujs.WebGPUContext.destroy();
      uninstallDawn();
    }
  }
}

/**
 * An immutable pipeline kernel keeps a reference to its last output buffer until its next call; dropping it makes
 * the tensor the buffer's only owner, so disposing the tensor frees the memory.
 */
function releaseKernelReference(inner: GpujsKernelInstance): void {
  const buffer = inner.outputBuffer as (GpuBuffer & { _refs: number }) | null | undefined;
  if (!buffer) return;
  if (--buffer._refs === 0) buffer.destroy();
  inner.outputBuffer = null;
  inner.bindGroupDirty = true;
}
