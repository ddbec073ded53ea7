import { MAX_INDEXABLE } from './codegen.js';
import type { GPUInstance, GpujsKernel, GpujsTexture } from './gpujs_types.js';
import { gpujs } from './gpujs_types.js';
import type { GLMode, Storage } from './storage.js';
import { KERNEL_SETTINGS, assertMode } from './storage.js';

const COPY = 'function(a) {\nreturn a[this.thread.x];\n}';

/** WebGL modes (headless-gl in Node; webgl2, webgl in a page): a handle is a gpu.js float texture; writes go up once through a copy kernel. */
export class GLStorage implements Storage<GpujsTexture> {
  readonly maxElements = MAX_INDEXABLE;
  private readonly gpu: GPUInstance;
  private readonly uploaders = new Map<number, GpujsKernel>();
  private textures = 0;

  constructor(readonly mode: GLMode) {
    this.gpu = new gpujs.GPU({ mode });
  }

  upload(values: Float32Array): GpujsTexture {
    const size = Math.max(1, values.length);
    let k = this.uploaders.get(size);
    if (!k) this.uploaders.set(size, (k = this.compile(COPY, size)));
    return this.launch(k, [values.length > 0 ? values : new Float32Array(1)]);
  }

  download(handle: GpujsTexture, size: number): Promise<Float32Array> {
    return Promise.resolve(this.downloadSync(handle, size));
  }

  downloadSync(handle: GpujsTexture, size: number): Float32Array {
    return Float32Array.from((handle.toArray() as Float32Array).subarray(0, size));
  }

  free(handle: GpujsTexture): void {
    handle.delete();
    this.textures--;
  }

  compile(source: string, size: number): GpujsKernel {
    return this.gpu.createKernel(source, { ...KERNEL_SETTINGS, output: [size] });
  }

  launch(kernel: GpujsKernel, args: readonly unknown[]): GpujsTexture {
    const out = kernel(...args) as GpujsTexture;
    assertMode(kernel, this.mode);
    this.textures++;
    return out;
  }

  deviceObjects(): number {
    return this.textures;
  }

  dispose(): void {
    this.gpu.destroy();
  }
}
