import { registerBackend, registerKernel } from '@internimage/core';
import { CudaBackend } from './cuda_backend.js';
import { getCudaDevice } from './device.js';
import { cudaKernels } from './kernels/index.js';

export { CudaBackend } from './cuda_backend.js';
export { CudaDevice, CudaError, getCudaDevice } from './device.js';
export { CudaGraph } from './graph.js';
export type { Ptr } from './device.js';
export type { Addon, ConvLaunch, DcnLaunch, DeviceInfo, GemmLaunch, MemoryInfo, PoolLaunch, ProbeResult } from './addon.js';
export type { ResampleLaunch } from './addon.js';
export { ADDON_PATH, CudaUnavailableError, cudaUnavailableReason } from './loader.js';
export { DCN_VARIANTS, GEMM_MODE_CODE, settingsFromEnv } from './settings.js';
export type { CudaSettings, DcnVariant, GemmMode, ConvVariant } from './settings.js';
export { dcnLaunch } from './kernels/dcnv3.js';
export { cudaKernels } from './kernels/index.js';

// Importing this package makes 'cuda' available to setBackend(); initialising it throws
// `CUDA backend unavailable: <reason>` where the addon is not built, the driver is missing or there is no device.
registerBackend('cuda', () => new CudaBackend(getCudaDevice()), 3);
for (const k of cudaKernels) registerKernel(k);
