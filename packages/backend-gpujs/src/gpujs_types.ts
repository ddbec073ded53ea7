// The parts of gpu.js 2.24.1 this backend uses, typed here: its bundled index.d.ts predates the webgpu and webasm
// modes. gpu.js is CommonJS (its browser field names a UMD build): its module object is the default export.
import * as gpujsModule from 'gpu.js';

/** A compiled kernel as gpu.js returns it (the "run shortcut"); `kernel` is the backend kernel instance. */
export interface GpujsKernel {
  (...args: unknown[]): unknown;
  kernel: GpujsKernelInstance;
}

export interface GpujsKernelInstance {
  constructor: { mode: string };
  built: boolean;
  fallbackReason?: string | null;
  // webgpu only
  outputBuffer?: GpuBuffer | null;
  output?: number[];
  context?: unknown;
  bindGroupDirty?: boolean;
  destroy(): void;
}

export interface GpuBuffer {
  _refs?: number;
  size: number;
  destroy(): void;
  mapAsync(mode: number, offset?: number, size?: number): Promise<void>;
  getMappedRange(offset?: number, size?: number): ArrayBuffer;
  unmap(): void;
}

export interface GpuDevice {
  createBuffer(d: { size: number; usage: number; mappedAtCreation?: boolean }): GpuBuffer;
  createCommandEncoder(): {
    copyBufferToBuffer(src: GpuBuffer, so: number, dst: GpuBuffer, dof: number, size: number): void;
    finish(): unknown;
  };
  queue: { writeBuffer(b: GpuBuffer, offset: number, data: ArrayBufferView): void; submit(c: unknown[]): void };
  limits: { maxStorageBufferBindingSize: number; maxBufferSize: number; maxComputeWorkgroupsPerDimension: number };
}

export interface WebGPUContextObject {
  device: GpuDevice;
  isLost: boolean;
}

export interface WebGPUBufferResult {
  buffer: GpuBuffer;
  output: number[];
  delete(): void;
}

export interface GpujsTexture {
  toArray(): Float32Array | unknown;
  delete(): void;
}

export interface GPUInstance {
  createKernel(source: string, settings: Record<string, unknown>): GpujsKernel;
  destroy(): void;
}

export interface GpujsModule {
  GPU: (new (settings: { mode: string }) => GPUInstance) & {
    isHeadlessGLSupported: boolean; isWebAssemblySupported: boolean; isWebGL2Supported: boolean; isWebGLSupported: boolean;
  };
  WebGPUContext: { acquire(): Promise<WebGPUContextObject>; destroy(): Promise<void> };
  WebGLKernel: unknown;
  WebGL2Kernel: unknown;
  WebGPUBufferResult: new (s: { buffer: GpuBuffer; output: number[]; componentCount?: number; context: unknown; kernel: unknown }) => WebGPUBufferResult;
}

export const gpujs = ((gpujsModule as { default?: unknown }).default ?? gpujsModule) as GpujsModule;
