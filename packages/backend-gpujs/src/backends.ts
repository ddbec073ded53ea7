import { GpujsBackend } from './gpujs_backend.js';
import { AUTO_ORDER, openMode } from '#modes';
import type { Mode } from './storage.js';

/** Backend names: 'gpujs' picks a mode by AUTO_ORDER; 'gpujs-<mode>' runs exactly that mode or fails. */
export const AUTO_NAME = 'gpujs';
export const modeBackendName = (mode: Mode) => `gpujs-${mode}`;

/** Why each mode was refused the last time it was tried in this process. */
const refusals: Partial<Record<Mode, string>> = {};
let autoMode: Mode | null = null;

export async function createModeBackend(mode: Mode): Promise<GpujsBackend> {
  try {
    const { storage, device } = await openMode(mode);
    delete refusals[mode];
    return new GpujsBackend(modeBackendName(mode), storage, { mode, refused: {}, device });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    refusals[mode] = reason;
    throw new Error(`${mode}: ${reason}`);
  }
}

export async function createAutoBackend(): Promise<GpujsBackend> {
  const refused: Partial<Record<Mode, string>> = {};
  for (const mode of AUTO_ORDER) {
    try {
      const { storage, device } = await openMode(mode);
      autoMode = mode;
      return new GpujsBackend(AUTO_NAME, storage, { mode, refused, device });
    } catch (e) {
      refused[mode] = refusals[mode] = e instanceof Error ? e.message : String(e);
    }
  }
  throw new Error(`no gpu.js mode runs here: ${Object.entries(refused).map(([m, r]) => `${m}: ${r}`).join('; ')}`);
}

export interface GpujsStatus {
  /** The mode the auto backend 'gpujs' runs, once it has been initialised. */
  autoMode: Mode | null;
  /** Modes that failed to open in this process, with the reason. */
  refused: Partial<Record<Mode, string>>;
}

export function gpujsStatus(): GpujsStatus {
  return { autoMode, refused: { ...refusals } };
}
