// The typed-array backend that 'cpu' and 'wasm' share, and the reference kernels, without registering anything:
// importing this entry has no side effects (the package's main entry registers 'cpu').
export { TypedArrayBackend, asTypedArrayBackend, typedArrayKernel } from './cpu_backend.js';
export type { ArrayStorage, TypedArrayStorageOptions } from './cpu_backend.js';
export { cpuKernels as referenceKernels } from './kernels/index.js';
export { forEachMatrixPair } from './batched_matrices.js';
export { imageStrides } from './layout.js';
