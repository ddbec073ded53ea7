import type { ArrayStorage } from '@internimage/backend-cpu';
import { CpuBackend } from '@internimage/backend-cpu';
import { poisonEnabled, registerBackend, registerKernel } from '@internimage/core';
import { heap } from './heap.js';
import { wasmKernels } from './kernels/index.js';

export { gemm, gemmUsesFma, packB, packTransposed } from './gemm.js';
export { getThreads, setThreads } from './threads.js';
export { WasmHeap, heap } from './heap.js';
export { fastKernels, wasmKernels } from './kernels/index.js';

/** Tensors live in the WebAssembly heap, where every kernel reads and writes them in place. */
const heapArrays: ArrayStorage = {
  allocate: (dtype, size) => {
    const at = heap().alloc(size * 4);
    return dtype === 'float32' ? heap().floats(at, size) : heap().ints(at, size);
  },
  release: (array) => heap().release(array.byteOffset, array.byteLength),
};

// Importing this package makes 'wasm' available to setBackend(): WebAssembly with SIMD is required.
registerBackend('wasm', () => {
  if (typeof WebAssembly !== 'object' || !WebAssembly.validate(Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0))) {
    throw new Error('WebAssembly is not available in this runtime');
  }
  // Outputs are poisoned (core's POISON written before a kernel runs) only on request: the tests ask.
  const poison = poisonEnabled('INTERNIMAGE_WASM_POISON', process.env.INTERNIMAGE_WASM_POISON);
  return new CpuBackend('wasm', { poison, storage: heapArrays });
}, 2);
for (const k of wasmKernels) registerKernel(k);
