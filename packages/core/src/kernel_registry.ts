import type { Backend, TensorInfo } from './backend.js';
import { KernelNotFoundError } from './errors.js';
import type { KernelName, KernelSpec } from './kernel_names.js';

export interface KernelArgs<K extends KernelName> {
  inputs: KernelSpec[K]['inputs'];
  attrs: KernelSpec[K]['attrs'];
  backend: Backend;
}

export type KernelFunc<K extends KernelName> = (args: KernelArgs<K>) => TensorInfo;

export interface KernelConfig<K extends KernelName> {
  kernelName: K;
  backendName: string;
  kernelFunc: KernelFunc<K>;
}

const registry = new Map<string, KernelConfig<KernelName>>();
const key = (backendName: string, kernelName: string) => `${backendName}/${kernelName}`;

export function registerKernel<K extends KernelName>(config: KernelConfig<K>): void {
  const k = key(config.backendName, config.kernelName);
  if (registry.has(k)) {
    throw new Error(`kernel '${config.kernelName}' is already registered for backend '${config.backendName}'`);
  }
  registry.set(k, config as unknown as KernelConfig<KernelName>);
}

export function getKernel<K extends KernelName>(kernelName: K, backendName: string): KernelFunc<K> {
  const config = registry.get(key(backendName, kernelName));
  if (config === undefined) throw new KernelNotFoundError(kernelName, backendName);
  return config.kernelFunc as unknown as KernelFunc<K>;
}

export function hasKernel(kernelName: KernelName, backendName: string): boolean {
  return registry.has(key(backendName, kernelName));
}

export function listKernels(backendName: string): KernelName[] {
  return [...registry.values()].filter((c) => c.backendName === backendName).map((c) => c.kernelName).sort();
}
