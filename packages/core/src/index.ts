export type { Backend, BackendFactory, BackendMemory, DataId, TensorInfo } from './backend.js';
export type { KernelProfile, KernelTimer, Profile } from './profile.js';
export type { DType, StorageDType, TypedArray } from './dtypes.js';
export { DTYPES, allocTyped, bytesPerElement, computeDTypeOf, isDType } from './dtypes.js';
export { ArgumentError, BackendUnavailableError, FormatError, KernelNotFoundError } from './errors.js';
export { engine } from './engine.js';
export type { BackendMemoryInfo, MemoryInfo } from './engine.js';
export { getKernel, hasKernel, listKernels, registerKernel } from './kernel_registry.js';
export type { KernelArgs, KernelConfig, KernelFunc } from './kernel_registry.js';
export type * from './kernel_names.js';
export { Tensor } from './tensor.js';
export {
  bilinearTaps, broadcastShapes, broadcastStrides, convOutputSize, imageStrides, lines, shapesEqual, sizeOf, stridesOf,
  walk,
} from './shape.js';
export type { ImageStrides } from './shape.js';
export { float16ToFloat32, float32ToFloat16, bfloat16ToFloat32, float32ToBfloat16 } from './half.js';
export { fill, fromTypedArray, moveTo, ones, scalar, tensor, zeros } from './creation.js';
export * from './ops/binary.js';
export * from './ops/unary.js';
export * from './ops/reduce.js';
export * from './ops/normalization.js';
export * from './ops/matmul.js';
export * from './ops/conv_pool.js';
export * from './ops/shape_ops.js';
export * from './ops/dcnv3.js';
export * from './ops/resample.js';
export { fromNdarray, toNdarray } from './ndarray.js';
export { MAX_HEADER_BYTES, SafetensorsFile, loadSafetensors, readSafetensors, safetensorsHeader, writeSafetensors } from './io/safetensors.js';
export type { RawTensor, SafetensorsEntry, SafetensorsInput, StoredAs, StoredTensor } from './io/safetensors.js';
export { fileSource, readSafetensorsFile, streamSafetensorsFile, writeSafetensorsFile } from '#files';
export type { FetchOptions } from './io/fetch_bytes.js';
export { DEFAULT_CACHE, fetchBytes } from './io/fetch_bytes.js';
export type { BytesInput } from './io/open_bytes.js';
export { openBytes } from './io/open_bytes.js';

import { engine } from './engine.js';
import type { BackendFactory } from './backend.js';
import type { Tensor } from './tensor.js';
import type { Profile } from './profile.js';

/** Registers a backend factory under `name`; higher priority is listed first by listBackends(). */
export const registerBackend = (name: string, factory: BackendFactory, priority = 0): void =>
  engine.registerBackend(name, factory, priority);
/** Activates a backend, or the first of several that initialises; throws with every reason otherwise. */
export const setBackend = (names: string | readonly string[]): Promise<string> => engine.setBackend(names);
/** Name of the active backend, or null. */
export const getBackend = (): string | null => engine.backendName;
export const listBackends = (): string[] => engine.listBackends();
export const removeBackend = (name: string): void => engine.removeBackend(name);
/** Runs `fn` and disposes every tensor it created except those it returns or keep() marked. */
export const tidy = <R>(fn: () => R): R => engine.tidy(fn);
/** Exempts a tensor from the enclosing tidy() scopes. */
export const keep = <T extends Tensor>(t: T): T => engine.keep(t);
export const memory = () => engine.memory();
/** Runs `fn` with each kernel dispatch timed; returns its result and the time per kernel (see Engine.profile). */
export const profile = <R>(fn: () => R | Promise<R>): Promise<Profile<Awaited<R>>> => engine.profile(fn);
/** Disposes tensors (or any structure holding tensors). */
export function dispose(...tensors: Array<Tensor | undefined>): void {
  for (const t of tensors) t?.dispose();
}
export { relativeL2Error } from './compare.js';
export { POISON, poisonBits, poisonEnabled } from './poison.js';
export type { RandomAccess } from './io/random_access.js';
export { bytesSource } from './io/random_access.js';
export type { ZipEntry } from './io/zip.js';
export { ZipReader } from './io/zip.js';
export type { GlobalHandler, UnpickleOptions } from './io/pickle.js';
export { ForbiddenGlobalError, PyDict, PyGlobal, PyObject, PyTuple, unpickle } from './io/pickle.js';
export type { TensorEntry } from './io/pth.js';
export { CHECKPOINT_GLOBALS, StorageRef, TensorRef, TorchCheckpoint } from './io/pth.js';
