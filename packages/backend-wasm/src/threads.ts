// Worker threads for the wasm kernels (Node worker threads or Web Workers, see platform.*.ts). Every worker
// instantiates the kernels' modules over the heap's shared memory (modules reach a worker the first time one of their
// functions runs threaded) and runs parts of a kernel call: the calling thread runs the first part itself and then
// waits for the others. A part is a function of a module with its arguments; callers split their work so that results
// do not depend on the thread count.
import { startHelpers, threadsUnavailable, waitWhile } from '#platform';
import { heap } from './heap.js';
import type { HelperThreads } from './thread_protocol.js';
import { DONE, FAILED, GEN, MAX_ARGS, SLOT, slotAt } from './thread_protocol.js';
import type { WasmKernel } from './wasm_runtime.js';

/** A function of a kernel module, as workers know it. */
interface Registered {
  id: number;
  floatArgs: readonly number[];
}

export class KernelThreads {
  private readonly ints: Int32Array;
  private readonly floats: Float32Array;
  private readonly moduleIds = new Map<WebAssembly.Module, number>();
  private readonly registered = new Map<WebAssembly.Module, Map<string, Registered>>();
  private nextFunction = 0;

  private constructor(readonly helpers: number, control: SharedArrayBuffer, private readonly threads: HelperThreads) {
    this.ints = new Int32Array(control);
    this.floats = new Float32Array(control);
  }

  /** `helpers` workers besides the calling thread, ready when the promise resolves. */
  static async start(helpers: number): Promise<KernelThreads> {
    const control = new SharedArrayBuffer((2 + helpers * SLOT) * 4);
    return new KernelThreads(helpers, control, await startHelpers(helpers, heap().memory, control));
  }

  /** Threads in all: the caller and the helpers. */
  get size(): number {
    return this.helpers + 1;
  }

  /**
   * Runs `name` of `kernel` once per entry of `parts` (its arguments; `floatArgs`: indices of f32 parameters): the
   * first part on the calling thread, the others on the workers, at most one each.
   */
  run(kernel: WasmKernel<unknown>, name: string, parts: ReadonlyArray<readonly number[]>, floatArgs: readonly number[] = []): void {
    if (parts.length > this.size) throw new RangeError(`KernelThreads.run: ${parts.length} parts for ${this.size} threads`);
    const fn = (kernel.exports as Record<string, (...args: number[]) => void>)[name];
    if (!fn) throw new Error(`KernelThreads.run: the kernel has no function '${name}'`);
    const { id } = this.register(kernel.module, name, floatArgs);
    const ctrl = this.ints;
    Atomics.store(ctrl, DONE, 0);
    for (let w = 0; w < this.helpers; w++) {
      const args = parts[w + 1];
      const s = slotAt(w);
      if (!args) {
        ctrl[s] = -1;
        continue;
      }
      if (args.length > MAX_ARGS) throw new RangeError(`KernelThreads.run: ${args.length} arguments (at most ${MAX_ARGS})`);
      ctrl[s] = id;
      ctrl[s + 1] = args.length;
      args.forEach((v, i) => {
        if (floatArgs.includes(i)) this.floats[s + 2 + i] = v;
        else ctrl[s + 2 + i] = v;
      });
    }
    Atomics.add(ctrl, GEN, 1);
    Atomics.notify(ctrl, GEN);
    try {
      if (parts[0]) fn(...parts[0]);
    } finally {
      // The workers use the same memory: wait for them even when this thread's part threw.
      for (let done = Atomics.load(ctrl, DONE); done < this.helpers; done = Atomics.load(ctrl, DONE)) waitWhile(ctrl, DONE, done);
    }
    for (let w = 0; w < this.helpers; w++) {
      if (ctrl[slotAt(w)] === FAILED) throw new Error(`wasm kernel '${name}' failed on worker thread ${w + 1}`);
    }
  }

  /** The function's id, sending it (and its module, the first time) to every worker first. */
  private register(module: WebAssembly.Module, name: string, floatArgs: readonly number[]): Registered {
    let byName = this.registered.get(module);
    const known = byName?.get(name);
    if (known) return known;
    let moduleId = this.moduleIds.get(module);
    const first = moduleId === undefined;
    if (moduleId === undefined) this.moduleIds.set(module, moduleId = this.moduleIds.size);
    const entry = { id: this.nextFunction++, floatArgs: [...floatArgs] };
    this.threads.post({ id: entry.id, moduleId, module: first ? module : undefined, name, floatArgs: entry.floatArgs });
    if (!byName) this.registered.set(module, byName = new Map());
    byName.set(name, entry);
    return entry;
  }

  stop(): Promise<void> {
    return this.threads.stop();
  }
}

let pool: KernelThreads | null = null;
let requested = 1;
let singleThreadReason: string | null = null;

/**
 * Threads for the wasm kernels (the caller plus n − 1 workers); 1 (the default) runs everything on the calling
 * thread. Resolves when the workers are ready. Where workers cannot share the heap (a page that is not cross-origin
 * isolated) the kernels run on one thread and threadsInfo() says why.
 */
export async function setThreads(n: number): Promise<void> {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setThreads: expected a positive integer, got ${n}`);
  await pool?.stop();
  pool = null;
  requested = n;
  singleThreadReason = n > 1 ? threadsUnavailable() : null;
  if (n > 1 && !singleThreadReason) pool = await KernelThreads.start(n - 1);
}

export interface ThreadsInfo {
  /** Threads the kernels run on. */
  threads: number;
  /** Threads asked for with setThreads(). */
  requested: number;
  /** Why fewer threads run than were asked for. */
  reason?: string;
}

export function threadsInfo(): ThreadsInfo {
  return { threads: getThreads(), requested, ...(singleThreadReason ? { reason: singleThreadReason } : {}) };
}

export function getThreads(): number {
  return pool?.size ?? 1;
}

/**
 * Splits `count` units (rows, lines, blocks) into contiguous ranges for the threads, in multiples of `granule`, when
 * each thread gets at least `perThread` units; one range otherwise. Returns [start, length] pairs.
 */
export function splitWork(count: number, perThread: number, granule = 1): Array<[start: number, length: number]> {
  const threads = pool && count >= perThread * pool.size ? pool.size : 1;
  const per = Math.ceil(count / granule / threads) * granule;
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < count; start += per) ranges.push([start, Math.min(per, count - start)]);
  return ranges.length > 0 ? ranges : [[0, 0]];
}

/** Runs the parts as KernelThreads.run does, or in turn on this thread without a pool (or with one part). */
export function runParts(kernel: WasmKernel<unknown>, name: string, parts: ReadonlyArray<readonly number[]>, floatArgs: readonly number[] = []): void {
  if (pool && parts.length > 1) {
    pool.run(kernel, name, parts, floatArgs);
    return;
  }
  const fn = (kernel.exports as Record<string, (...args: number[]) => void>)[name]!;
  for (const args of parts) fn(...args);
}
