// What the benchmark driver (Node) and the benchmark page (browser) say to each other.
export interface BenchSetup {
  engine: 'internimage' | 'onnxruntime';
  /** Our backend (engine 'internimage'). */
  backend?: string;
  threads: number;
  size: number;
  /** The ONNX model and onnxruntime-web's .wasm folder, as URLs of the server (engine 'onnxruntime'). */
  onnxUrl?: string;
  ortWasmUrl?: string;
}

export interface SetupInfo {
  /** What actually runs: backend and thread count, or runtime, version and thread count. */
  runs: string;
  setupMs: number;
  crossOriginIsolated: boolean;
}

export interface PageMemory {
  /** All WebAssembly memories of the page (they never shrink: this is their peak). */
  wasmBytes: number;
  /** The JavaScript heap's peak over the passes (sampled after each). */
  jsHeapPeakBytes: number;
}

/** The page's `globalThis.bench`. */
export interface BenchApi {
  setup(cfg: BenchSetup): Promise<SetupInfo>;
  /** One timed pass, in milliseconds. */
  pass(): Promise<number>;
  memory(): Promise<PageMemory>;
}

/** The page's title once `bench` is installed. */
export const READY_TITLE = 'bench ready';
