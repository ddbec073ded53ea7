// The backends the shared suites run against: those of internimage's backend table that run in Node (a new backend
// is added there). A backend that cannot run on this machine is reported as skipped with its reason, never silently
// passed.
import { setBackend } from '@internimage/core';
import { BACKENDS, loadBackendPackage } from 'internimage';

export interface BackendCandidate {
  /** Name given to setBackend(). */
  name: string;
  /** Imports the package that registers the backend. */
  load: () => Promise<unknown>;
}

/** Table entries the suites leave out, and why. */
const NOT_SUITED: Readonly<Record<string, string>> = {
  gpujs: "the auto backend runs one of the gpu.js modes, each of which the suites run by name",
  'gpujs-cpu': "gpu.js's plain-JavaScript mode runs the same generated kernels as gpujs-webasm, many times slower",
};

export const CANDIDATES: readonly BackendCandidate[] = BACKENDS
  .filter((b) => b.platforms.includes('node') && !(b.name in NOT_SUITED))
  .map((b) => ({ name: b.name, load: () => loadBackendPackage(b) }));

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
