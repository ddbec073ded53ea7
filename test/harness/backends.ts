// The backends the shared suites run against. A new backend package adds one line here; a backend that cannot run
// on this machine is reported as skipped with its reason, never silently passed.
import { setBackend } from '@internimage/core';

export interface BackendCandidate {
  /** Name given to setBackend(). */
  name: string;
  /** Imports the package that registers the backend. */
  load: () => Promise<unknown>;
}

export const CANDIDATES: readonly BackendCandidate[] = [
  { name: 'cpu', load: () => import('@internimage/backend-cpu') },
  { name: 'wasm', load: () => import('@internimage/backend-wasm') },
  { name: 'gpujs-webasm', load: () => import('@internimage/backend-gpujs') },
  { name: 'gpujs-webgpu', load: () => import('@internimage/backend-gpujs') },
  { name: 'gpujs-headlessgl', load: () => import('@internimage/backend-gpujs') },
  { name: 'cuda', load: () => import('@internimage/backend-cuda') },
];

/**
 * INTERNIMAGE_TEST_BACKENDS=cuda,gpujs-webgpu limits the shared suites to those backends (e.g. on a GPU machine);
 * the others are reported as skipped with that reason.
 */
function selectedByEnv(name: string): boolean {
  const only = process.env.INTERNIMAGE_TEST_BACKENDS;
  return !only || only.split(',').map((s) => s.trim()).includes(name);
}

export type BackendStatus = { name: string; available: true } | { name: string; available: false; reason: string };

let probed: Promise<BackendStatus[]> | undefined;

/** Loads and initialises every candidate once per process; prints the reason for each one that cannot run. */
export function probeBackends(): Promise<BackendStatus[]> {
  probed ??= (async () => {
    const out: BackendStatus[] = [];
    for (const c of CANDIDATES) {
      if (!selectedByEnv(c.name)) {
        // Still imported: tests that name a backend themselves (e.g. the cpu oracle) need it registered.
        await c.load().catch(() => undefined);
        out.push({ name: c.name, available: false, reason: `not in INTERNIMAGE_TEST_BACKENDS=${process.env.INTERNIMAGE_TEST_BACKENDS}` });
        continue;
      }
      try {
        await c.load();
        await setBackend(c.name);
        out.push({ name: c.name, available: true });
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        console.log(`backend '${c.name}' skipped: ${reason}`);
        out.push({ name: c.name, available: false, reason });
      }
    }
    return out;
  })();
  return probed;
}
