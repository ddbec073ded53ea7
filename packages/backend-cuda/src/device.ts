// CudaDevice: the low-level API over the addon (device memory, copies, events and every launch), used by the
// backend's kernels and directly by tests and benchmarks (e.g. float16 DCNv3, which Backend tensors do not carry).
// Every method that can fail takes the op's name, and its errors read `cuda <op>: <reason>`.
import type { Addon, ConvLaunch, DcnLaunch, DeviceInfo, GemmLaunch, MemoryInfo, PoolLaunch, Ptr, ResampleLaunch } from './addon.js';
import { loadAddon } from './loader.js';
import type { CudaSettings } from './settings.js';
import { settingsFromEnv } from './settings.js';

export type { Ptr } from './addon.js';

export class CudaError extends Error {
  constructor(readonly op: string, reason: string) {
    super(`cuda ${op}: ${reason}`);
    this.name = 'CudaError';
  }
}

/** Rethrows any failure inside fn as a CudaError naming op (errors already naming an op pass through). */
export function withOp<T>(op: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CudaError) throw e;
    throw new CudaError(op, e instanceof Error ? e.message : String(e));
  }
}

export class CudaDevice {
  readonly info: DeviceInfo;
  readonly settings: CudaSettings;

  constructor(readonly addon: Addon, settings?: Partial<CudaSettings>) {
    this.info = withOp('init', () => addon.init());
    this.settings = { ...settingsFromEnv(), ...settings };
  }

  alloc(bytes: number, op: string): Ptr {
    return withOp(op, () => this.addon.alloc(bytes));
  }

  free(ptr: Ptr): void {
    if (ptr !== 0) withOp('free', () => this.addon.free(ptr));
  }

  upload(ptr: Ptr, data: ArrayBufferView, op = 'upload'): void {
    withOp(op, () => this.addon.upload(ptr, data));
  }

  /** Resolves when the stream has reached the copy; earlier launches are therefore complete. */
  download(ptr: Ptr, bytes: number, op = 'read'): Promise<ArrayBuffer> {
    try {
      return this.addon.download(ptr, bytes).catch((e: unknown) => {
        throw new CudaError(op, e instanceof Error ? e.message : String(e));
      });
    } catch (e) {
      return Promise.reject(new CudaError(op, e instanceof Error ? e.message : String(e)));
    }
  }

  downloadSync(ptr: Ptr, bytes: number, op = 'read'): ArrayBuffer {
    return withOp(op, () => this.addon.downloadSync(ptr, bytes));
  }

  synchronize(op = 'synchronize'): void {
    withOp(op, () => this.addon.synchronize());
  }

  memoryInfo(): MemoryInfo {
    return withOp('memoryInfo', () => this.addon.memoryInfo());
  }

  /** Returns the pool's cached blocks to the device (after a synchronisation). */
  trimPool(): void {
    withOp('trimPool', () => this.addon.trimPool());
  }

  /** Median milliseconds of `fn` (which only enqueues work) over `iterations` runs after `warmup` runs, by CUDA events. */
  timeMs(fn: () => void, iterations = 50, warmup = 5): number {
    for (let i = 0; i < warmup; i++) fn();
    const a = this.addon;
    const start = a.eventCreate();
    const end = a.eventCreate();
    try {
      const times: number[] = [];
      for (let i = 0; i < iterations; i++) {
        a.eventRecord(start);
        fn();
        a.eventRecord(end);
        times.push(a.eventElapsed(start, end));
      }
      times.sort((x, y) => x - y);
      return times[Math.floor(times.length / 2)]!;
    } finally {
      a.eventDestroy(start);
      a.eventDestroy(end);
    }
  }

  /** Starts recording the stream's work into a graph (see CudaGraph); launches then run only when it is launched. */
  captureBegin(op: string): void {
    withOp(op, () => this.addon.captureBegin());
  }

  captureEnd(op: string): number {
    return withOp(op, () => this.addon.captureEnd());
  }

  captureAbort(): void {
    this.addon.captureAbort();
  }

  graphLaunch(op: string, graph: number): void {
    withOp(op, () => this.addon.graphLaunch(graph));
  }

  graphDestroy(graph: number): void {
    withOp('graphDestroy', () => this.addon.graphDestroy(graph));
  }

  fill32(op: string, ptr: Ptr, n: number, bits: number): void {
    withOp(op, () => this.addon.fill32(ptr, n, bits >>> 0));
  }

  binary(op: string, code: number, dtype: number, a: Ptr, b: Ptr, out: Ptr, shape: number[], sa: number[], sb: number[]): void {
    withOp(op, () => this.addon.binary(code, dtype, a, b, out, shape, sa, sb));
  }

  unary(op: string, code: number, dtype: number, x: Ptr, out: Ptr, n: number): void {
    withOp(op, () => this.addon.unary(code, dtype, x, out, n));
  }

  cast(op: string, from: number, to: number, x: Ptr, out: Ptr, n: number): void {
    withOp(op, () => this.addon.cast(from, to, x, out, n));
  }

  copy(op: string, src: Ptr, dst: Ptr, srcOffset: number, dstOffset: number, shape: number[], srcStrides: number[], dstStrides: number[]): void {
    withOp(op, () => this.addon.copy(src, dst, srcOffset, dstOffset, shape, srcStrides, dstStrides));
  }

  reduce(op: string, code: number, dtype: number, x: Ptr, out: Ptr, keptShape: number[], keptStrides: number[],
    reducedShape: number[], reducedStrides: number[], count: number): void {
    withOp(op, () => this.addon.reduce(code, dtype, x, out, keptShape, keptStrides, reducedShape, reducedStrides, count));
  }

  argMax(op: string, dtype: number, x: Ptr, out: Ptr, outer: number, length: number, inner: number): void {
    withOp(op, () => this.addon.argMax(dtype, x, out, outer, length, inner));
  }

  softmax(op: string, x: Ptr, out: Ptr, outer: number, length: number, inner: number): void {
    withOp(op, () => this.addon.softmax(x, out, outer, length, inner));
  }

  layerNorm(op: string, x: Ptr, weight: Ptr, bias: Ptr, out: Ptr, rows: number, cols: number, eps: number): void {
    withOp(op, () => this.addon.layerNorm(x, weight, bias, out, rows, cols, eps));
  }

  batchNorm(op: string, x: Ptr, mean: Ptr, variance: Ptr, weight: Ptr, bias: Ptr, out: Ptr, outer: number,
    channels: number, inner: number, eps: number): void {
    withOp(op, () => this.addon.batchNorm(x, mean, variance, weight, bias, out, outer, channels, inner, eps));
  }

  gemm(op: string, args: GemmLaunch): void {
    withOp(op, () => this.addon.gemm(args));
  }

  conv2d(op: string, args: ConvLaunch): void {
    withOp(op, () => this.addon.conv2d(args));
  }

  avgPool2d(op: string, args: PoolLaunch): void {
    withOp(op, () => this.addon.avgPool2d(args));
  }

  resizeBilinear(op: string, args: ResampleLaunch): void {
    withOp(op, () => this.addon.resizeBilinear(args));
  }

  adaptiveAvgPool2d(op: string, args: ResampleLaunch): void {
    withOp(op, () => this.addon.adaptiveAvgPool2d(args));
  }

  /** DCNv3 on device buffers; `half` selects float16 storage (value, offset, mask and out) with float math. */
  dcnv3(op: string, args: DcnLaunch): void {
    withOp(op, () => this.addon.dcnv3(args));
  }
}

let shared: CudaDevice | undefined;

/** The process's CUDA device (created on first use); throws `CUDA backend unavailable: …` when there is none. */
export function getCudaDevice(): CudaDevice {
  shared ??= new CudaDevice(loadAddon());
  return shared;
}
