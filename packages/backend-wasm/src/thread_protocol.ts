// The control block that the calling thread and the kernel workers share: [generation, done count, then per worker:
// function id (−1: nothing; the worker writes FAILED there when the function threw), argument count, arguments].
export const FAILED = -2;
export const GEN = 0;
export const DONE = 1;
export const MAX_ARGS = 24;
export const SLOT = 2 + MAX_ARGS;
export const slotAt = (w: number) => 2 + w * SLOT;

/** Tells workers about a function before its first threaded run (with its module, the first time). */
export interface Registration {
  id: number;
  moduleId: number;
  module?: WebAssembly.Module;
  name: string;
  floatArgs: number[];
}

/** Runs this worker's part of the current generation: `fn` is the registered function, or undefined if not yet known. */
export const RUN_PART = `
function runPart(ints, floats, index, fns) {
  const s = 2 + index * ${SLOT};
  const id = ints[s];
  if (id >= 0) {
    try {
      const { fn, floatArgs } = fns[id];
      const args = [];
      for (let i = 0; i < ints[s + 1]; i++) args.push(floatArgs.includes(i) ? floats[s + 2 + i] : ints[s + 2 + i]);
      fn(...args);
    } catch {
      ints[s] = ${FAILED};
    }
  }
  Atomics.add(ints, ${DONE}, 1);
  Atomics.notify(ints, ${DONE});
}
function register(modules, fns, memory, m) {
  if (m.module) modules[m.moduleId] = new WebAssembly.Instance(m.module, { env: { memory } }).exports;
  fns[m.id] = { fn: modules[m.moduleId][m.name], floatArgs: m.floatArgs };
}
`;

/** The workers of a pool, started by the platform (Node worker threads or Web Workers). */
export interface HelperThreads {
  post(registration: Registration): void;
  stop(): Promise<void>;
}
