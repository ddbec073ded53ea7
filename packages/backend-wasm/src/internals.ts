// The kernels' building blocks, for this repository's tests and tuning benchmarks (`@internimage/backend-wasm/internals`).
// Not a stable API: applications use the package's main entry.
export { erfModule } from './erf_kernel.js';
export { GEMM_TILE, gemmChunkRows, gemmModule, packedOffset } from './gemm_kernel.js';
export type { GemmTile } from './gemm_kernel.js';
export { runParts } from './threads.js';
export { instantiate } from './wasm_runtime.js';
