// Compiles generated modules once, with relaxed SIMD (fused multiply-add) where the runtime has it, plain SIMD
// otherwise, each with its own growable memory.
import v8 from 'node:v8';

export interface WasmKernel<F> {
  exports: F;
  memory: WebAssembly.Memory;
  fma: boolean;
}

let relaxed: boolean | undefined;

export function instantiate<F>(build: (fma: boolean) => Uint8Array<ArrayBuffer>): WasmKernel<F> {
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536 });
  const make = (fma: boolean) => new WebAssembly.Instance(new WebAssembly.Module(build(fma)), { env: { memory } });
  if (relaxed !== false) {
    try {
      v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
      const inst = make(true);
      relaxed = true;
      return { exports: inst.exports as F, memory, fma: true };
    } catch {
      relaxed = false;
    }
  }
  return { exports: make(false).exports as F, memory, fma: false };
}

/** Makes sure the memory holds at least `bytes`. */
export function reserve(memory: WebAssembly.Memory, bytes: number): void {
  if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
}
