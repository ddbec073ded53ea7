// Worker threads for the GEMM kernel: every worker instantiates the same module over the same shared WebAssembly
// memory, and a call splits C's row tiles between the caller and the workers. Kernels are synchronous, so the caller
// blocks on Atomics.wait until the workers are done (allowed on Node's main thread).
import { Worker } from 'node:worker_threads';

// Control words: [generation, done count, then per worker: function, pa, pb, pc, m, n, k, pbias].
const GEN = 0;
const DONE = 1;
const ARGS = 8;
const argsAt = (w: number) => 2 + w * ARGS;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, control, index } = workerData;
const { exports } = new WebAssembly.Instance(module, { env: { memory } });
const ctrl = new Int32Array(control);
const fns = [exports.gemm_rows, exports.gemm_panels];
let seen = 0;
parentPort.postMessage('ready');
for (;;) {
  Atomics.wait(ctrl, ${GEN}, seen);
  seen = Atomics.load(ctrl, ${GEN});
  const a = 2 + index * ${ARGS};
  if (ctrl[a + 4] > 0) fns[ctrl[a]](ctrl[a + 1], ctrl[a + 2], ctrl[a + 3], ctrl[a + 4], ctrl[a + 5], ctrl[a + 6], ctrl[a + 7]);
  Atomics.add(ctrl, ${DONE}, 1);
  Atomics.notify(ctrl, ${DONE});
}
`;

export class GemmThreads {
  private readonly workers: Worker[] = [];
  private readonly control: Int32Array;

  private constructor(readonly helpers: number, control: SharedArrayBuffer) {
    this.control = new Int32Array(control);
  }

  /** `helpers` workers besides the calling thread, ready when the promise resolves. */
  static async start(helpers: number, module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<GemmThreads> {
    const control = new SharedArrayBuffer((2 + helpers * ARGS) * 4);
    const pool = new GemmThreads(helpers, control);
    await Promise.all(Array.from({ length: helpers }, (_, index) => new Promise<void>((resolve, reject) => {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control, index } });
      w.once('message', () => {
        // Idle workers must not keep the process alive.
        w.unref();
        resolve();
      });
      w.once('error', reject);
      pool.workers.push(w);
    })));
    return pool;
  }

  /**
   * Runs `fn` (0: gemm_rows, 1: gemm_panels) on row blocks: the caller takes the first block and `own` runs it.
   * Rows are split in multiples of `tile`.
   */
  run(fn: 0 | 1, pa: number, pb: number, pc: number, m: number, n: number, k: number, pbias: number, tile: number,
    own: (pa: number, pc: number, m: number) => void): void {
    const parts = this.helpers + 1;
    const per = Math.ceil(m / tile / parts) * tile;
    const ctrl = this.control;
    Atomics.store(ctrl, DONE, 0);
    for (let w = 0; w < this.helpers; w++) {
      const start = Math.min(m, (w + 1) * per);
      const rows = Math.max(0, Math.min(m, start + per) - start);
      ctrl.set([fn, pa + start * k * 4, pb, pc + start * n * 4, rows, n, k, pbias], argsAt(w));
    }
    Atomics.add(ctrl, GEN, 1);
    Atomics.notify(ctrl, GEN);
    own(pa, pc, Math.min(per, m));
    for (let done = Atomics.load(ctrl, DONE); done < this.helpers; done = Atomics.load(ctrl, DONE)) {
      Atomics.wait(ctrl, DONE, done);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
