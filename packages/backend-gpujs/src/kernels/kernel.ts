import type { KernelArgs, KernelConfig, KernelName, TensorInfo } from '@internimage/core';
import { asGpujs } from '../gpujs_backend.js';
import type { GpujsBackend } from '../gpujs_backend.js';

/** A kernel of this package, registered under every gpujs backend name. */
export interface GpujsKernelSpec<K extends KernelName> {
  kernelName: K;
  run: (args: KernelArgs<K>, backend: GpujsBackend) => TensorInfo;
}

export function gpujsKernel<K extends KernelName>(
  kernelName: K, run: (args: KernelArgs<K>, backend: GpujsBackend) => TensorInfo,
): GpujsKernelSpec<K> {
  return { kernelName, run };
}

export function configFor<K extends KernelName>(spec: GpujsKernelSpec<K>, backendName: string): KernelConfig<K> {
  return { kernelName: spec.kernelName, backendName, kernelFunc: (args) => spec.run(args, asGpujs(args.backend)) };
}

/** `shape` with its leading dimension replaced by `rows` (the shape of one leading-axis part). */
export function withRows(shape: readonly number[], rows: number): number[] {
  return [rows, ...shape.slice(1)];
}

/** Whether a tensor runs along the output's leading axis (rather than being broadcast or read whole). */
export function followsLeading(shape: readonly number[], outShape: readonly number[]): boolean {
  return shape.length === outShape.length && shape.length > 0 && shape[0] === outShape[0];
}
