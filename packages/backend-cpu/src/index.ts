import { registerBackend, registerKernel } from '@internimage/core';
import { TypedArrayBackend } from './cpu_backend.js';
import { cpuKernels } from './kernels/index.js';

export * from './shared.js';

// Importing this package makes 'cpu' available to setBackend().
registerBackend('cpu', () => new TypedArrayBackend('cpu'), 1);
for (const k of cpuKernels) registerKernel(k);
