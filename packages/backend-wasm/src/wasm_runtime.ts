// Compiles generated modules once, with relaxed SIMD (fused multiply-add) where the runtime has it, plain SIMD
// otherwise, each with its own growable memory.
import v8 from 'node:v8';

export interface WasmKernel<F> {
  exports: F;
  memory: WebAssembly.Memory;
  fma: boolean;
  /** The compiled module, for instantiating it again in worker threads (over the same shared memory). */
  module: WebAssembly.Module;
}

let relaxed: boolean | undefined;

export function instantiate<F>(build: (fma: boolean) => Uint8Array<ArrayBuffer>, shared = false): WasmKernel<F> {
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536, shared });
  const make = (fma: boolean) => {
    const module = new WebAssembly.Module(build(fma));
    return { module, instance: new WebAssembly.Instance(module, { env: { memory } }) };
  };
  if (relaxed !== false) {
    try {
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
      const { module, instance } = make(true);
      relaxed = true;
      return { exports: instance.exports as F, memory, fma: true, module };
    } catch {
      relaxed = false;
    }
  }
  const { module, instance } = make(false);
  return { exports: instance.exports as F, memory, fma: false, module };
}

/** Makes sure the memory holds at least `bytes`. */
export function reserve(memory: WebAssembly.Memory, bytes: number): void {
  if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
}
