// Node side of '#platform' (platform.browser.ts has the same exports): V8 flags, worker_threads, blocking waits.
import v8 from 'node:v8';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { HelperThreads, Registration } from './thread_protocol.js';
import { GEN, RUN_PART } from './thread_protocol.js';

/** Node 20's V8 has relaxed SIMD behind a flag (set before the feature test). */
export function enableRelaxedSimd(): void {
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
}

/** Node runs worker threads over shared memory anywhere. */
export function threadsUnavailable(): string | null {
  return null;
}

/** Blocks while `ints[index]` holds `value` (Atomics.wait is allowed on Node's main thread). */
export function waitWhile(ints: Int32Array, index: number, value: number): void {
  Atomics.wait(ints, index, value);
}

// A worker blocks in Atomics.wait and drains its port synchronously, so a registration posted before a generation
// starts is always there when the worker wakes for it.
const WORKER_SOURCE = `
const { parentPort, workerData, receiveMessageOnPort } = require('node:worker_threads');
const { memory, control, index, port } = workerData;
${RUN_PART}
const ints = new Int32Array(control);
const floats = new Float32Array(control);
const modules = [];
const fns = [];
let seen = 0;
parentPort.postMessage('ready');
for (;;) {
  Atomics.wait(ints, ${GEN}, seen);
  seen = Atomics.load(ints, ${GEN});
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) register(modules, fns, memory, m.message);
  runPart(ints, floats, index, fns);
}
`;

export async function startHelpers(helpers: number, memory: WebAssembly.Memory, control: SharedArrayBuffer): Promise<HelperThreads> {
  const workers: Worker[] = [];
  const ports: MessagePort[] = [];
  await Promise.all(Array.from({ length: helpers }, (_, index) => new Promise<void>((resolve, reject) => {
    const { port1, port2 } = new MessageChannel();
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { memory, control, index, port: port2 }, transferList: [port2] });
    w.once('message', () => {
      // Idle workers must not keep the process alive.
      w.unref();
      port1.unref();
      resolve();
    });
    w.once('error', reject);
    workers.push(w);
    ports.push(port1);
  })));
  return {
    post: (registration: Registration) => { for (const port of ports) port.postMessage(registration); },
    stop: async () => {
      for (const port of ports) port.close();
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
