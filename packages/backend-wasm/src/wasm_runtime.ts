// Compiles generated modules once, with relaxed SIMD (fused multiply-add) where the runtime validates it, plain SIMD
// otherwise; every module imports the backend's one memory (heap.ts).
import { enableRelaxedSimd } from '#platform';
import { heap } from './heap.js';

export interface WasmKernel<F> {
  exports: F;
  fma: boolean;
  /** The compiled module, for instantiating it again in worker threads (over the same shared memory). */
  module: WebAssembly.Module;
}

let relaxed: boolean | undefined;

/** Feature test: whether the runtime accepts `probe`, a module using relaxed SIMD (enabled first where a flag does it). */
function relaxedSimd(probe: Uint8Array<ArrayBuffer>): boolean {
  if (relaxed === undefined) {
    enableRelaxedSimd();
    relaxed = WebAssembly.validate(probe);
  }
  return relaxed;
}

export function instantiate<F>(build: (fma: boolean) => Uint8Array<ArrayBuffer>): WasmKernel<F> {
  const fmaModule = build(true);
  const fma = relaxedSimd(fmaModule);
  const module = new WebAssembly.Module(fma ? fmaModule : build(false));
  const instance = new WebAssembly.Instance(module, { env: { memory: heap().memory } });
  return { exports: instance.exports as F, fma, module };
}
