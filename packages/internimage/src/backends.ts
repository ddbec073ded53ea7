// The backends the CLI and createClassifier can select, each imported only when asked for, so a backend that cannot load here never
// breaks the others.
import { setBackend } from '@internimage/core';

const PACKAGES: Record<string, () => Promise<unknown>> = {
  wasm: () => import('@internimage/backend-wasm'),
  cpu: () => import('@internimage/backend-cpu'),
  gpujs: () => import('@internimage/backend-gpujs'),
  'gpujs-webgpu': () => import('@internimage/backend-gpujs'),
  'gpujs-headlessgl': () => import('@internimage/backend-gpujs'),
  'gpujs-webasm': () => import('@internimage/backend-gpujs'),
  'gpujs-cpu': () => import('@internimage/backend-gpujs'),
  cuda: () => import('@internimage/backend-cuda'),
};

/** What the CLI and createClassifier use when no backend is named: the fast CPU backend. */
export const DEFAULT_BACKEND = 'wasm';

export const BACKEND_NAMES = Object.keys(PACKAGES);

/** Loads and activates `name`; throws with the reason when it cannot run. Never substitutes another backend. */
export async function useBackend(name: string): Promise<void> {
  const load = PACKAGES[name];
  if (!load) throw new Error(`unknown backend '${name}' (known: ${BACKEND_NAMES.join(', ')})`);
  await load();
  await setBackend(name);
}
