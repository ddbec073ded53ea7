// Bringing up one gpu.js mode in a page, or saying why it cannot run here (the browser side of '#modes';
// modes.node.ts has Node's modes, with the same exports). No mode stands in for another.
import type { DawnInfo } from './dawn.js';
import { GLStorage } from './gl_storage.js';
import { gpujs } from './gpujs_types.js';
import { HostStorage } from './host_storage.js';
import type { Mode, Storage } from './storage.js';
import { WebGPUStorage } from './webgpu_storage.js';

/** The modes of a page, in the order the auto backend 'gpujs' tries them. */
export const MODES: readonly Mode[] = ['webgpu', 'webgl2', 'webgl', 'cpu'];

/** Compute shaders on the page's WebGPU device first, then WebGL2 and WebGL float textures, then plain JavaScript. */
export const AUTO_ORDER: readonly Mode[] = MODES;

export interface OpenedMode {
  storage: Storage<unknown>;
  /** The WebGPU adapter in use (webgpu mode). */
  device?: DawnInfo;
}

interface PageGpu {
  requestAdapter(): Promise<{ info?: { vendor: string; architecture: string; device: string; description: string } } | null>;
}

/** Opens `mode`; throws an Error whose message is the reason when the mode cannot run in this page. */
export async function openMode(mode: Mode): Promise<OpenedMode> {
  switch (mode) {
    case 'webgpu': {
      const gpu = (globalThis as { navigator?: { gpu?: PageGpu } }).navigator?.gpu;
      if (!gpu) throw new Error('this browser has no WebGPU (navigator.gpu is missing)');
      const adapter = await gpu.requestAdapter();
      if (!adapter) throw new Error('navigator.gpu found no WebGPU adapter');
      let context;
      try {
        context = await gpujs.WebGPUContext.acquire();
      } catch (e) {
        throw new Error(`gpu.js could not open a WebGPU device: ${e instanceof Error ? e.message : e}`);
      }
      const info = adapter.info ?? { vendor: '', architecture: '', device: '', description: '' };
      return { storage: new WebGPUStorage(context), device: { backend: 'navigator.gpu', featureLevel: 'core', adapter: { ...info } } };
    }
    case 'webgl2':
      if (!gpujs.GPU.isWebGL2Supported) throw new Error('this browser has no WebGL2 context with float textures');
      return { storage: new GLStorage('webgl2') };
    case 'webgl':
      if (!gpujs.GPU.isWebGLSupported) throw new Error('this browser has no WebGL context with float textures');
      return { storage: new GLStorage('webgl') };
    case 'cpu':
      return { storage: new HostStorage('cpu') };
    default:
      throw new Error(`mode '${mode}' runs in Node only (a page has ${MODES.join(', ')})`);
  }
}
