import { registerBackend, registerKernel } from '@internimage/core';
import { wasmKernels } from './kernels/index.js';
import { WasmBackend } from './wasm_backend.js';

export { gemm, gemmUsesFma, packB, packTransposed } from './gemm.js';
export { getThreads, setThreads, threadsInfo } from './threads.js';
export { WasmHeap, heap } from './heap.js';
export { fastKernels, wasmKernels } from './kernels/index.js';
export { WasmBackend, wasmKernel } from './wasm_backend.js';

// Importing this package makes 'wasm' (and only it) available to setBackend(): WebAssembly with SIMD is required.
registerBackend('wasm', () => {
  if (typeof WebAssembly !== 'object' || !WebAssembly.validate(Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0))) {
    throw new Error('WebAssembly is not available in this runtime');
  }
  // Outputs are poisoned (filled with NaN before a kernel runs) only on request: the tests ask.
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
  return new WasmBackend({ poison: env?.INTERNIMAGE_WASM_POISON === '1' });
}, 2);
for (const k of wasmKernels) registerKernel(k);
