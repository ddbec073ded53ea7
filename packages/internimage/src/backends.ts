// The one table of backends: each name, the package that provides it and how to import it. The CLI, createClassifier
// and the tests use it. A package is imported only when one of its backends is asked for, so a backend that cannot load
// here (or is not installed) never breaks the others. Names not in the table are looked up in core's registry: a
// backend package of a third party registers itself there when the user imports it.
import { listBackends, setBackend } from '@internimage/core';

export interface BackendEntry {
  /** Name given to setBackend(). */
  readonly name: string;
  /** The npm package that registers it. */
  readonly package: string;
  /** Where it runs: some gpu.js modes exist only in Node or only in a browser. */
  readonly platforms: ReadonlyArray<'node' | 'browser'>;
  readonly load: () => Promise<unknown>;
}

const both = ['node', 'browser'] as const;
const gpujs = (name: string, platforms: BackendEntry['platforms'] = both): BackendEntry =>
  ({ name, package: '@internimage/backend-gpujs', platforms, load: () => import('@internimage/backend-gpujs') });

export const BACKENDS: readonly BackendEntry[] = [
  { name: 'wasm', package: '@internimage/backend-wasm', platforms: both, load: () => import('@internimage/backend-wasm') },
  { name: 'cpu', package: '@internimage/backend-cpu', platforms: both, load: () => import('@internimage/backend-cpu') },
  gpujs('gpujs'),
  gpujs('gpujs-webgpu'),
  gpujs('gpujs-headlessgl', ['node']),
  gpujs('gpujs-webasm', ['node']),
  gpujs('gpujs-cpu'),
  gpujs('gpujs-webgl2', ['browser']),
  gpujs('gpujs-webgl', ['browser']),
  { name: 'cuda', package: '@internimage/backend-cuda', platforms: ['node'], load: () => import('@internimage/backend-cuda') },
];

/** What the CLI and createClassifier use when no backend is named: the fast CPU backend. */
export const DEFAULT_BACKEND = 'wasm';

export const BACKEND_NAMES: readonly string[] = BACKENDS.map((b) => b.name);

export const backendEntry = (name: string): BackendEntry | undefined => BACKENDS.find((b) => b.name === name);

/** Imports the package behind `name`; an error names the package to install when it is missing. */
export async function loadBackendPackage(entry: BackendEntry): Promise<void> {
  try {
    await entry.load();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const missing = (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && message.includes(entry.package);
    if (missing) throw new Error(`backend '${entry.name}' needs the package ${entry.package}, which is not installed (npm install ${entry.package})`);
    throw new Error(`backend '${entry.name}': the package ${entry.package} failed to load: ${message}`);
  }
}

/**
 * Loads and activates `name`: a backend of the table (its package imported now), or one a third-party package has
 * registered. Throws with the reason when it cannot run; never substitutes another backend.
 */
export async function useBackend(name: string): Promise<void> {
  const entry = backendEntry(name);
  if (entry) await loadBackendPackage(entry);
  else if (!listBackends().includes(name)) {
    throw new Error(`unknown backend '${name}' (known: ${[...new Set([...BACKEND_NAMES, ...listBackends()])].join(', ')}; ` +
      'a backend of another package is known once that package is imported)');
  }
  if (entry && !listBackends().includes(name)) {
    throw new Error(`backend '${name}' is not available on this platform (it runs in: ${entry.platforms.join(', ')})`);
  }
  await setBackend(name);
}
