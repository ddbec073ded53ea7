// Compiles generated modules once, with relaxed SIMD (fused multiply-add) where the runtime has it, plain SIMD
// otherwise; every module imports the backend's one memory (heap.ts).
import v8 from 'node:v8';
import { heap } from './heap.js';

export interface WasmKernel<F> {
  exports: F;
  fma: boolean;
  /** The compiled module, for instantiating it again in worker threads (over the same shared memory). */
  module: WebAssembly.Module;
}

let relaxed: boolean | undefined;

export function instantiate<F>(build: (fma: boolean) => Uint8Array<ArrayBuffer>): WasmKernel<F> {
  const memory = heap().memory;
  const make = (fma: boolean) => {
    const module = new WebAssembly.Module(build(fma));
    return { module, instance: new WebAssembly.Instance(module, { env: { memory } }) };
  };
  if (relaxed !== false) {
    try {
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
      const { module, instance } = make(true);
      relaxed = true;
      return { exports: instance.exports as F, fma: true, module };
    } catch {
      relaxed = false;
    }
  }
  const { module, instance } = make(false);
  return { exports: instance.exports as F, fma: false, module };
}
