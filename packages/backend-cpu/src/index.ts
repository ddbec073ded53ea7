import { registerBackend, registerKernel } from '@internimage/core';
import { CpuBackend } from './cpu_backend.js';
import { cpuKernels } from './kernels/index.js';

export { CpuBackend, asCpu, cpuKernel } from './cpu_backend.js';
export type { ArrayStorage, CpuStorageOptions } from './cpu_backend.js';
export { cpuKernels } from './kernels/index.js';
export { forEachMatrixPair } from './batched_matrices.js';

// Importing this package makes 'cpu' available to setBackend().
registerBackend('cpu', () => new CpuBackend(), 1);
for (const k of cpuKernels) registerKernel(k);
