// The shape of the N-API addon (native/addon.cc). Device pointers and event handles travel as plain numbers.

export type Ptr = number;

export interface ProbeResult {
  ok: boolean;
  reason?: string;
  count?: number;
}

export interface DeviceInfo {
  name: string;
  computeCapability: string;
  totalMemory: number;
  multiprocessors: number;
  runtimeVersion: number;
  driverVersion: number;
}

export interface MemoryInfo {
  /** Bytes handed out by the stream-ordered pool and not yet freed. */
  poolUsed: number;
  /** Bytes the pool holds from the device (freed blocks stay cached). */
  poolReserved: number;
  deviceFree: number;
  deviceTotal: number;
}

export interface GemmLaunch {
  M: number; N: number; K: number;
  A: Ptr; sAm: number; sAk: number;
  B: Ptr; sBk: number; sBn: number;
  C: Ptr; cRows: number; sCb: number; sCm: number; sCn: number;
  bias: Ptr;
  epilogue: number;
  batchShape: number[]; batchA: number[]; batchB: number[];
  batches: number; sCbatch: number;
  mode: number;
}

export interface ConvLaunch {
  x: Ptr; w: Ptr; bias: Ptr; out: Ptr;
  batch: number; inC: number; inH: number; inW: number; outC: number; outH: number; outW: number;
  kH: number; kW: number; strideH: number; strideW: number; padTop: number; padLeft: number;
  dilH: number; dilW: number; groups: number;
  xsN: number; xsC: number; xsH: number; xsW: number; osN: number; osC: number; osH: number; osW: number;
  variant: number; gemmMode: number;
}

export interface PoolLaunch {
  x: Ptr; out: Ptr;
  batch: number; channels: number; inH: number; inW: number; outH: number; outW: number;
  kH: number; kW: number; strideH: number; strideW: number; padTop: number; padLeft: number; countIncludePad: number;
  xsN: number; xsC: number; xsH: number; xsW: number; osN: number; osC: number; osH: number; osW: number;
}

/** Either resampling op; alignCorners, scaleH and scaleW matter to resizeBilinear only. */
export interface ResampleLaunch {
  x: Ptr; out: Ptr;
  batch: number; channels: number; inH: number; inW: number; outH: number; outW: number;
  alignCorners: number; scaleH: number; scaleW: number;
  xsN: number; xsC: number; xsH: number; xsW: number; osN: number; osC: number; osH: number; osW: number;
}

export interface DcnLaunch {
  value: Ptr; offset: Ptr; mask: Ptr; out: Ptr;
  batch: number; inH: number; inW: number; outH: number; outW: number; kH: number; kW: number;
  strideH: number; strideW: number; padH: number; padW: number; dilH: number; dilW: number;
  group: number; groupChannels: number; points: number; offsetScale: number; removeCenter: number;
  half: number; variant: number;
}

export interface Addon {
  probe(): ProbeResult;
  init(): DeviceInfo;
  alloc(bytes: number): Ptr;
  free(ptr: Ptr): void;
  upload(ptr: Ptr, view: ArrayBufferView): void;
  download(ptr: Ptr, bytes: number): Promise<ArrayBuffer>;
  downloadSync(ptr: Ptr, bytes: number): ArrayBuffer;
  synchronize(): void;
  memoryInfo(): MemoryInfo;
  trimPool(): void;
  eventCreate(): number;
  eventRecord(event: number): void;
  eventElapsed(start: number, end: number): number;
  eventDestroy(event: number): void;
  /** Stream capture: launches are recorded, not run; upload, download and waits throw until captureEnd/Abort. */
  captureBegin(): void;
  /** The instantiated graph's handle; throws if the capture broke or left device buffers allocated. */
  captureEnd(): number;
  captureAbort(): void;
  graphLaunch(graph: number): void;
  graphDestroy(graph: number): void;
  fill32(ptr: Ptr, n: number, bits: number): void;
  binary(op: number, dtype: number, a: Ptr, b: Ptr, out: Ptr, shape: number[], sa: number[], sb: number[]): void;
  unary(op: number, dtype: number, x: Ptr, out: Ptr, n: number): void;
  cast(from: number, to: number, x: Ptr, out: Ptr, n: number): void;
  copy(src: Ptr, dst: Ptr, srcOffset: number, dstOffset: number, shape: number[], srcStrides: number[], dstStrides: number[]): void;
  reduce(op: number, dtype: number, x: Ptr, out: Ptr, keptShape: number[], keptStrides: number[],
    reducedShape: number[], reducedStrides: number[], count: number): void;
  argMax(dtype: number, x: Ptr, out: Ptr, outer: number, length: number, inner: number): void;
  softmax(x: Ptr, out: Ptr, outer: number, length: number, inner: number): void;
  layerNorm(x: Ptr, weight: Ptr, bias: Ptr, out: Ptr, rows: number, cols: number, eps: number): void;
  batchNorm(x: Ptr, mean: Ptr, variance: Ptr, weight: Ptr, bias: Ptr, out: Ptr, outer: number, channels: number,
    inner: number, eps: number): void;
  gemm(args: GemmLaunch): void;
  conv2d(args: ConvLaunch): void;
  avgPool2d(args: PoolLaunch): void;
  resizeBilinear(args: ResampleLaunch): void;
  adaptiveAvgPool2d(args: ResampleLaunch): void;
  dcnv3(args: DcnLaunch): void;
}
