// One engine per page, driven by bench/web.bench.ts: `setup` builds InternImage-T (random weights, seeded) on one of
// our backends or an onnxruntime-web session on the ONNX export of the same architecture, `pass` times one forward
// pass of batch 1 (input upload to logits read back), `memory` reports what the page holds.
// Each engine's code is imported only by the page that runs it, after the memory probe is installed.
import { pageMemory, sampleJsHeap } from './memory.js';
import type { BenchApi, BenchSetup } from '../protocol.js';
import { READY_TITLE } from '../protocol.js';

let pass: (() => Promise<void>) | null = null;

function input(size: number): Float32Array {
  // Deterministic values in [-1, 1): both engines see the same input.
  let s = 1;
  return Float32Array.from({ length: 3 * size * size }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 31) - 1);
}

async function setupInternImage(cfg: BenchSetup): Promise<string> {
  const [{ tensor }, { createClassifier }] = await Promise.all([import('@internimage/core'), import('internimage')]);
  const backend = cfg.backend ?? 'wasm';
  const clf = await createClassifier({ variant: 't', backend, threads: backend === 'wasm' ? cfg.threads : undefined });
  const x = tensor(input(cfg.size), [1, 3, cfg.size, cfg.size]);
  pass = async () => {
    const logits = clf.model.classify(x);
    await logits.data();
    logits.dispose();
  };
  return backend === 'wasm' ? `wasm, ${cfg.threads} thread${cfg.threads > 1 ? 's' : ''}` : backend;
}

async function setupOrt(cfg: BenchSetup): Promise<string> {
  if (!cfg.onnxUrl || !cfg.ortWasmUrl) throw new Error('setup: onnxruntime needs onnxUrl and ortWasmUrl');
  const ort = await import('onnxruntime-web/wasm');
  ort.env.wasm.numThreads = cfg.threads;
  ort.env.wasm.wasmPaths = cfg.ortWasmUrl;
  const session = await ort.InferenceSession.create(cfg.onnxUrl, {
    executionProviders: ['wasm'], graphOptimizationLevel: 'all', executionMode: 'sequential',
  });
  const feeds = { [session.inputNames[0]!]: new ort.Tensor('float32', input(cfg.size), [1, 3, cfg.size, cfg.size]) };
  pass = async () => {
    const out = await session.run(feeds);
    for (const t of Object.values(out)) t.dispose();
  };
  return `onnxruntime-web ${ort.env.versions.web} wasm, ${cfg.threads} thread${cfg.threads > 1 ? 's' : ''}`;
}

const api: BenchApi = {
  async setup(cfg) {
    const start = performance.now();
    const runs = cfg.engine === 'internimage' ? await setupInternImage(cfg) : await setupOrt(cfg);
    return { runs, setupMs: performance.now() - start, crossOriginIsolated: globalThis.crossOriginIsolated };
  },
  async pass() {
    if (!pass) throw new Error('pass: call setup first');
    const start = performance.now();
    await pass();
    const ms = performance.now() - start;
    sampleJsHeap();
    return ms;
  },
  memory: async () => pageMemory(),
};

(globalThis as { bench?: BenchApi }).bench = api;
document.title = READY_TITLE;
