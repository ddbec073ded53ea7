import { registerBackend, registerKernel } from '@internimage/core';
import { CpuBackend } from '@internimage/backend-cpu';
import { wasmKernels } from './kernels/index.js';

export { gemm, gemmUsesFma, getThreads, packB, packTransposed, setThreads } from './gemm.js';
export { fastKernels, wasmKernels } from './kernels/index.js';

// Importing this package makes 'wasm' available to setBackend(): WebAssembly with SIMD is required.
registerBackend('wasm', () => {
  if (typeof WebAssembly !== 'object' || !WebAssembly.validate(Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0))) {
    throw new Error('WebAssembly is not available in this runtime');
  }
  // Outputs are poisoned only on request (the tests ask), and buffers are recycled: both cost ~2 ns per element.
  return new CpuBackend('wasm', { poison: process.env.INTERNIMAGE_WASM_POISON === '1', recycleBytes: 128 * 2 ** 20 });
}, 2);
for (const k of wasmKernels) registerKernel(k);
