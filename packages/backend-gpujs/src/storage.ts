import type { GpujsKernel } from './gpujs_types.js';
import { gpujs } from './gpujs_types.js';

/** The gpu.js modes this backend runs in: webgpu, headlessgl, webasm and cpu in Node; webgpu, webgl2, webgl and cpu in a page. */
export type Mode = 'webgpu' | 'headlessgl' | 'webgl2' | 'webgl' | 'webasm' | 'cpu';
export type GLMode = 'headlessgl' | 'webgl2' | 'webgl';

/** Modes whose tensors live on a device (buffers or textures) rather than in host arrays. */
export const isDeviceMode = (mode: Mode): boolean => mode !== 'webasm' && mode !== 'cpu';

/**
 * Where one mode keeps tensor data, and how it runs a compiled kernel over it. `H` is the mode's handle: a GPU
 * buffer (webgpu), a texture (WebGL modes) or a Float32Array (webasm, cpu). Handles hold float32 values.
 */
export interface Storage<H> {
  readonly mode: Mode;
  upload(values: Float32Array): H;
  download(handle: H, size: number): Promise<Float32Array>;
  /** Present when the mode can read back synchronously. */
  downloadSync?(handle: H, size: number): Float32Array;
  free(handle: H): void;
  /** Compiles a kernel with a 1-D output of `size` elements that keeps its result on the device. */
  compile(source: string, size: number): GpujsKernel;
  /** Runs a compiled kernel; a promise while the kernel still builds (webgpu builds asynchronously). */
  launch(kernel: GpujsKernel, args: readonly H[]): H | Promise<H>;
  /**
   * Device buffers or textures in use right now, counted at the device (webgpu: pooled free buffers excluded; 0 where
   * there is no device).
   */
  deviceObjects(): number;
  /** Largest number of float32 elements one buffer may hold in this mode. */
  readonly maxElements: number;
  dispose(): void;
}

/** Throws when gpu.js substituted another mode for a kernel (it degrades to cpu with only a console warning). */
export function assertMode(kernel: GpujsKernel, mode: Mode): void {
  const actual = kernel.kernel.constructor.mode;
  // gpu.js's WebGL and WebGL2 kernels both report mode 'gpu': their classes tell them apart.
  const expectedClass = mode === 'webgl2' ? gpujs.WebGL2Kernel : mode === 'webgl' ? gpujs.WebGLKernel : undefined;
  if (expectedClass ? kernel.kernel.constructor !== expectedClass : actual !== mode) {
    throw new Error(`gpu.js ran a kernel in mode '${actual}' instead of '${mode}'${kernel.kernel.fallbackReason ? `: ${kernel.kernel.fallbackReason}` : ''}`);
  }
}

export const KERNEL_SETTINGS = {
  pipeline: true,
  immutable: true,
  precision: 'single',
  tactic: 'precision',
  dynamicArguments: false,
  dynamicOutput: false,
} as const;
