// Finds and loads the addon, and says why CUDA cannot be used when it cannot: the addon is not built, the driver
// is missing or too old (cudaGetDeviceCount's error string), or there is no suitable device.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Addon } from './addon.js';

/** Where `npm run build:cuda` puts the addon (this file lives in src/ or dist/, one level below the package). */
export const ADDON_PATH = fileURLToPath(new URL('../native/build/Release/internimage_cuda.node', import.meta.url));

export class CudaUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`CUDA backend unavailable: ${reason}`);
    this.name = 'CudaUnavailableError';
  }
}

let loaded: { addon: Addon } | { error: CudaUnavailableError } | undefined;

/** The addon with a usable device, or throws CudaUnavailableError. The result is cached. */
export function loadAddon(): Addon {
  loaded ??= tryLoad();
  if ('error' in loaded) throw loaded.error;
  return loaded.addon;
}

/** Null when CUDA is usable here, else the full `CUDA backend unavailable: …` message. */
export function cudaUnavailableReason(): string | null {
  try {
    loadAddon();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

function tryLoad(): { addon: Addon } | { error: CudaUnavailableError } {
  if (!existsSync(ADDON_PATH)) {
    return { error: new CudaUnavailableError(`addon not built (run 'npm run build:cuda'; expected ${ADDON_PATH})`) };
  }
  let addon: Addon;
  try {
    addon = createRequire(import.meta.url)(ADDON_PATH) as Addon;
  } catch (e) {
    return { error: new CudaUnavailableError(`cannot load ${ADDON_PATH}: ${e instanceof Error ? e.message : String(e)}`) };
  }
  const probe = addon.probe();
  if (!probe.ok) return { error: new CudaUnavailableError(probe.reason ?? 'unknown reason') };
  return { addon };
}
