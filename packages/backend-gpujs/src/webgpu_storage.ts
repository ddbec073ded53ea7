import { MAX_INDEXABLE } from './codegen.js';
import type {
  GPUInstance, GpuBuffer, GpuDevice, GpujsKernel, GpujsKernelInstance, WebGPUBufferResult, WebGPUContextObject,
} from './gpujs_types.js';
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

/** Bytes of freed buffers a device keeps for reuse; beyond it a freed buffer is destroyed. */
const POOL_BYTES = 256 * 1024 * 1024;

interface BufferPool {
  /** Buffers handed out and not yet freed (pooled ones excluded). */
  inUse: number;
  /** Destroys every pooled buffer. */
  drain(): void;
}

/** Buffer pools by device: installed once per device by wrapping createBuffer and each buffer's destroy. */
const pools = new WeakMap<GpuDevice, BufferPool>();

/**
 * Wraps the device's createBuffer so that a destroyed storage buffer (every tensor's, and gpu.js's kernel outputs)
 * goes to a pool keyed by usage and size, and a later request of the same kind reuses it. Each kernel launch would
 * otherwise create its output buffer, which Dawn also zero-fills on first use; at batch 1 those costs are a large
 * share of a launch. Contents of a reused buffer are stale, which is safe here: every kernel writes its whole
 * output and every upload its whole buffer. Queue order keeps earlier reads of a buffer before later writes.
 */
function poolBuffers(device: GpuDevice): BufferPool {
  const existing = pools.get(device);
  if (existing) return existing;
  const free = new Map<string, GpuBuffer[]>();
  let pooledBytes = 0;
  const create = device.createBuffer.bind(device);
  const pool: BufferPool = {
    inUse: 0,
    drain() {
      for (const list of free.values()) for (const buffer of list.splice(0)) (buffer as PooledBuffer).release();
      pooledBytes = 0;
    },
  };
  device.createBuffer = (descriptor) => {
    const poolable = (descriptor.usage & MAP_READ) === 0 && !descriptor.mappedAtCreation;
    const key = `${descriptor.usage}:${descriptor.size}`;
    const reused = poolable ? free.get(key)?.pop() : undefined;
    pool.inUse++;
    if (reused) {
      pooledBytes -= descriptor.size;
      (reused as PooledBuffer).pooled = false;
      return reused;
    }
    const buffer = create(descriptor) as PooledBuffer;
    const destroy = buffer.destroy.bind(buffer);
    let destroyed = false;
    buffer.pooled = false;
    buffer.release = () => {
      if (!destroyed) {
        destroyed = true;
        destroy();
      }
    };
    buffer.destroy = () => {
      if (destroyed || buffer.pooled) return;
      pool.inUse--;
      if (poolable && pooledBytes + descriptor.size <= POOL_BYTES) {
        buffer.pooled = true;
        pooledBytes += descriptor.size;
        let list = free.get(key);
        if (!list) free.set(key, (list = []));
        list.push(buffer);
      } else {
        buffer.release();
      }
    };
    return buffer;
  };
  pools.set(device, pool);
  return pool;
}

type PooledBuffer = GpuBuffer & { pooled: boolean; release(): void };

/**
 * webgpu mode: a handle is gpu.js's WebGPUBufferResult over a storage buffer. Tensors written by the backend are
 * uploaded once into their own buffer; kernels bind handles directly, so nothing is re-uploaded per call.
 */
export class WebGPUStorage implements Storage<WebGPUBufferResult> {
  readonly mode = 'webgpu' as const;
  readonly maxElements: number;
  private readonly gpu: GPUInstance;
  private readonly device: GpuDevice;
  private readonly buffers: BufferPool;

  /** `releasePlatform` runs when the last WebGPU storage goes (in Node: removes Dawn's navigator). */
  constructor(private readonly context: WebGPUContextObject, private readonly releasePlatform: () => void = () => {}) {
    this.gpu = new gpujs.GPU({ mode: 'webgpu' });
    this.device = context.device;
    this.buffers = poolBuffers(this.device);
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
    return this.buffers.inUse;
  }

  dispose(): void {
    this.gpu.destroy();
    if (--openStorages === 0) {
      this.buffers.drain();
      void gpujs.WebGPUContext.destroy();
      this.releasePlatform();
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
