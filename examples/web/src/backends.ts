// Every backend the page can offer, and why any of them cannot run here. Probing initialises a backend and then
// makes the one in use active again.
import { getBackend, setBackend } from '@internimage/core';
import { useBackend } from 'internimage';

export const PAGE_BACKENDS = ['wasm', 'cpu', 'gpujs-webgpu', 'gpujs-webgl2', 'gpujs-webgl', 'gpujs-cpu'] as const;

export interface BackendState {
  name: string;
  /** null while it is being checked, '' when it runs here, otherwise the reason it cannot. */
  reason: string | null;
}

/** '' when `name` initialises in this page, or the reason it does not. */
export async function probeBackend(name: string): Promise<string> {
  const active = getBackend();
  try {
    await useBackend(name);
    return '';
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    if (active) await setBackend(active);
  }
}

/** Threads the wasm backend may use here: one unless the page is cross-origin isolated (shared memory). */
export function threadChoices(): number[] {
  if (!globalThis.crossOriginIsolated) return [1];
  const cores = Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 8));
  return Array.from({ length: cores }, (_, i) => i + 1);
}

export function isolationNote(): string {
  return globalThis.crossOriginIsolated
    ? `Cross-origin isolated: the wasm backend can run on up to ${threadChoices().length} threads (Web Workers over shared memory).`
    : 'Not cross-origin isolated (the server sent no COOP/COEP headers): the wasm backend runs on one thread.';
}
