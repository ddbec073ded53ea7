// Bringing up one gpu.js mode in Node, or saying why it cannot run here (the `node` side of '#modes'; modes.browser.ts
// has the page's modes, with the same exports).
import { createRequire } from 'node:module';
import type { DawnInfo } from './dawn.js';
import { installDawn, uninstallDawn } from './dawn.js';
import { GLStorage } from './gl_storage.js';
import { gpujs } from './gpujs_types.js';
import { HostStorage } from './host_storage.js';
import type { Mode, Storage } from './storage.js';
import { WebGPUStorage } from './webgpu_storage.js';

/** The modes of this platform, in the order the auto backend 'gpujs' tries them. */
export const MODES: readonly Mode[] = ['webgpu', 'headlessgl', 'webasm', 'cpu'];

/**
 * The order the auto backend 'gpujs' tries: real compute shaders over f32 storage buffers first, then WebGL through
 * headless-gl, then WebAssembly SIMD on the CPU, then gpu.js's plain JavaScript.
 */
export const AUTO_ORDER: readonly Mode[] = MODES;

export interface OpenedMode {
  storage: Storage<unknown>;
  device?: DawnInfo;
}

/** Opens `mode`; throws an Error whose message is the reason when the mode cannot run on this machine. */
export async function openMode(mode: Mode): Promise<OpenedMode> {
  switch (mode) {
    case 'webgpu': {
      const device = await installDawn();
      let context;
      try {
        context = await gpujs.WebGPUContext.acquire();
      } catch (e) {
        throw new Error(`gpu.js could not open a WebGPU device: ${e instanceof Error ? e.message : e}`);
      }
      return { storage: new WebGPUStorage(context, uninstallDawn), device };
    }
    case 'headlessgl':
      return { storage: openHeadlessGL() };
    case 'webasm':
      if (!gpujs.GPU.isWebAssemblySupported) throw new Error('WebAssembly is not available in this runtime');
      return { storage: new HostStorage('webasm') };
    case 'cpu':
      return { storage: new HostStorage('cpu') };
    default:
      throw new Error(`mode '${mode}' runs in a browser only (Node has ${MODES.join(', ')})`);
  }
}

function openHeadlessGL(): GLStorage {
  let createContext: (w: number, h: number) => unknown;
  try {
    createContext = createRequire(import.meta.url)('gl') as typeof createContext;
  } catch {
    throw new Error("the optional 'gl' package (headless-gl) is not installed");
  }
  if (!createContext(1, 1)) throw new Error('headless-gl could not create a context (no display: run under xvfb-run)');
  if (!gpujs.GPU.isHeadlessGLSupported) throw new Error('gpu.js reports headlessgl as unsupported here');
  return new GLStorage('headlessgl');
}
