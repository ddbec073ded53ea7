// Browser side of '#platform' (platform.node.ts has the same exports): no V8 flags, Web Workers, and a main thread
// that may not block in Atomics.wait.
import type { HelperThreads, Registration } from './thread_protocol.js';
import { GEN, RUN_PART, SLOT } from './thread_protocol.js';

/** A page cannot set engine flags: relaxed SIMD is there or not. */
export function enableRelaxedSimd(): void {}

/** Why workers cannot share the heap here, or null when they can. */
export function threadsUnavailable(): string | null {
  if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated !== true) {
    return 'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and ' +
      'Cross-Origin-Embedder-Policy: require-corp), so workers cannot share WebAssembly memory';
  }
  if (typeof Worker === 'undefined') return 'this context has no Web Workers';
  return null;
}

let mayBlock: boolean | undefined;

/** Blocks while `ints[index]` holds `value`: Atomics.wait in a worker, a spin on a page's main thread (where it throws). */
export function waitWhile(ints: Int32Array, index: number, value: number): void {
  if (mayBlock !== false) {
    try {
      Atomics.wait(ints, index, value);
      mayBlock = true;
      return;
    } catch (e) {
      if (mayBlock === true) throw e;
      mayBlock = false;
    }
  }
  while (Atomics.load(ints, index) === value) { /* the workers finish their parts: short */ }
}

// A worker waits with Atomics.waitAsync so that its event loop stays free to receive registrations; a generation
// whose function has not arrived yet waits for its message (the caller spins meanwhile, it does not block delivery).
const WORKER_SOURCE = `
${RUN_PART}
const modules = [];
const fns = [];
let memory = null;
let arrived = null;
let start;
const started = new Promise((resolve) => { start = resolve; });
onmessage = (e) => {
  if (e.data.init) { start(e.data.init); return; }
  register(modules, fns, memory, e.data);
  if (arrived) { const a = arrived; arrived = null; a(); }
};
started.then(async (init) => {
  const { control, index } = init;
  memory = init.memory;
  const ints = new Int32Array(control);
  const floats = new Float32Array(control);
  let seen = 0;
  postMessage('ready');
  for (;;) {
    const w = Atomics.waitAsync(ints, ${GEN}, seen);
    if (w.async) await w.value;
    seen = Atomics.load(ints, ${GEN});
    const id = ints[2 + index * ${SLOT}];
    while (id >= 0 && !fns[id]) await new Promise((resolve) => { arrived = resolve; });
    runPart(ints, floats, index, fns);
  }
});
`;

export async function startHelpers(helpers: number, memory: WebAssembly.Memory, control: SharedArrayBuffer): Promise<HelperThreads> {
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const workers: Worker[] = [];
  try {
    await Promise.all(Array.from({ length: helpers }, (_, index) => new Promise<void>((resolve, reject) => {
      const w = new Worker(url);
      w.onmessage = () => resolve();
      w.onerror = (e) => reject(new Error(`wasm worker ${index + 1} failed to start: ${e.message}`));
      w.postMessage({ init: { memory, control, index } });
      workers.push(w);
    })));
  } finally {
    URL.revokeObjectURL(url);
  }
  for (const w of workers) w.onmessage = null;
  return {
    post: (registration: Registration) => { for (const w of workers) w.postMessage(registration); },
    stop: async () => { for (const w of workers) w.terminate(); },
  };
}
