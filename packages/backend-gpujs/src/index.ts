import { registerBackend, registerKernel } from '@internimage/core';
import { AUTO_NAME, createAutoBackend, createModeBackend, modeBackendName } from './backends.js';
import { gpujsKernels } from './kernels/index.js';
import { configFor } from './kernels/kernel.js';
import { MODES } from '#modes';

export { GpujsBackend, asGpujs } from './gpujs_backend.js';
export type { GpujsBackendInfo } from './gpujs_backend.js';
export { AUTO_NAME, gpujsStatus, modeBackendName } from './backends.js';
export type { GpujsStatus } from './backends.js';
export { AUTO_ORDER, MODES } from '#modes';
export type { Mode } from './storage.js';
export type { DawnInfo } from './dawn.js';

// Importing this package registers 'gpujs' (auto) and 'gpujs-<mode>' for each mode of the platform: in Node
// 'gpujs-webgpu', 'gpujs-headlessgl', 'gpujs-webasm', 'gpujs-cpu'; in a page 'gpujs-webgpu', 'gpujs-webgl2',
// 'gpujs-webgl', 'gpujs-cpu'.
const names = [AUTO_NAME, ...MODES.map(modeBackendName)];
registerBackend(AUTO_NAME, createAutoBackend, 0);
for (const mode of MODES) registerBackend(modeBackendName(mode), () => createModeBackend(mode), 0);
for (const name of names) for (const spec of gpujsKernels) registerKernel(configFor(spec, name));
