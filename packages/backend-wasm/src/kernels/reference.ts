import { referenceKernels } from '@internimage/backend-cpu/shared';
import type { KernelFunc, KernelName } from '@internimage/core';

/** The reference (cpu) implementation of a kernel, for the cases a fast kernel hands back. */
export function reference<K extends KernelName>(name: K): KernelFunc<K> {
  const config = referenceKernels.find((k) => k.kernelName === name);
  if (!config) throw new Error(`the reference backend has no kernel '${name}'`);
  return config.kernelFunc as unknown as KernelFunc<K>;
}
