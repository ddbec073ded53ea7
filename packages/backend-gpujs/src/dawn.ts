// Dawn (the `webgpu` package) as the navigator.gpu that gpu.js's webgpu mode looks for. By default Dawn picks its best
// adapter (Vulkan on an NVIDIA machine); when it finds none, Dawn's OpenGL ES backend in compatibility mode is tried
// (Mesa llvmpipe on a machine without a GPU). INTERNIMAGE_DAWN_BACKEND=vulkan|opengles|... forces one backend and
// disables the fallback.
import { mkdirSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/** What webgpu mode runs on. */
export interface DawnInfo {
  /** Dawn backend asked for: 'default' (Dawn's choice) or the forced / fallback backend name. */
  backend: string;
  featureLevel: 'core' | 'compatibility';
  adapter: { vendor: string; architecture: string; device: string; description: string };
  /** Why the default adapter was not used, when the fallback ran. */
  fallbackReason?: string;
}

interface GPUAdapter {
  info: { vendor: string; architecture: string; device: string; description: string };
}

interface DawnModule {
  create(options: string[]): { requestAdapter(o?: object): Promise<GPUAdapter | null> };
  globals: Record<string, unknown>;
}

let setup: Promise<DawnInfo> | null = null;
// Dawn instances must outlive their adapters and devices: a collected instance tears down threads still in use.
const instances: unknown[] = [];

function createInstance(dawn: DawnModule, options: string[]): ReturnType<DawnModule['create']> {
  const instance = dawn.create(options);
  instances.push(instance);
  return instance;
}
let savedNavigator: { present: boolean; value: unknown } | null = null;

/** Headless EGL (Mesa, no display) needs these before Dawn loads; the user's own settings win. */
function prepareEnvironment(): void {
  process.env.EGL_PLATFORM ??= 'surfaceless';
  if (!process.env.XDG_RUNTIME_DIR) {
    const dir = join(tmpdir(), `internimage-xdg-${userInfo().uid}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    process.env.XDG_RUNTIME_DIR = dir;
  }
}

function describeAdapter(a: GPUAdapter): DawnInfo['adapter'] {
  const info = a.info;
  return { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description };
}

async function findAdapter(dawn: DawnModule): Promise<{ adapter: GPUAdapter; info: Omit<DawnInfo, 'adapter'> }> {
  const forced = process.env.INTERNIMAGE_DAWN_BACKEND;
  if (forced) {
    const compat = forced === 'opengles' || forced === 'opengl';
    let adapter: GPUAdapter | null;
    try {
      adapter = await createInstance(dawn, [`backend=${forced}`]).requestAdapter(compat ? { featureLevel: 'compatibility' } : undefined);
    } catch (e) {
      throw new Error(`Dawn backend '${forced}' (INTERNIMAGE_DAWN_BACKEND) failed: ${e instanceof Error ? e.message : e}`, { cause: e });
    }
    if (!adapter) throw new Error(`Dawn backend '${forced}' (INTERNIMAGE_DAWN_BACKEND) found no adapter`);
    return { adapter, info: { backend: forced, featureLevel: compat ? 'compatibility' : 'core' } };
  }
  let fallbackReason: string;
  try {
    const adapter = await createInstance(dawn, []).requestAdapter({ powerPreference: 'high-performance' });
    if (adapter) return { adapter, info: { backend: 'default', featureLevel: 'core' } };
    fallbackReason = 'Dawn found no adapter on its default backends';
  } catch (e) {
    fallbackReason = `Dawn's default backends failed: ${e instanceof Error ? e.message : e}`;
  }
  const adapter = await createInstance(dawn, ['backend=opengles']).requestAdapter({ featureLevel: 'compatibility' });
  if (!adapter) throw new Error(`${fallbackReason}, and its OpenGL ES backend found none either (no GPU driver, no Mesa EGL)`);
  return { adapter, info: { backend: 'opengles', featureLevel: 'compatibility', fallbackReason } };
}

/**
 * Installs `globalThis.navigator.gpu` answering with the adapter found here (gpu.js calls requestAdapter() without
 * options). Idempotent; rejects with the reason when no adapter exists.
 */
export function installDawn(): Promise<DawnInfo> {
  setup ??= (async () => {
    prepareEnvironment();
    let dawn: DawnModule;
    try {
      dawn = (await import('webgpu')) as unknown as DawnModule;
    } catch (e) {
      throw new Error(`the 'webgpu' package (Dawn) does not load: ${e instanceof Error ? e.message : e}`, { cause: e });
    }
    for (const [k, v] of Object.entries(dawn.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
    const { adapter, info } = await findAdapter(dawn);
    const g = globalThis as { navigator?: unknown };
    savedNavigator = { present: 'navigator' in g, value: g.navigator };
    Object.defineProperty(globalThis, 'navigator', {
      configurable: true, writable: true,
      value: { gpu: { requestAdapter: () => Promise.resolve(adapter), getPreferredCanvasFormat: () => 'rgba8unorm' } },
    });
    return { ...info, adapter: describeAdapter(adapter) };
  })();
  setup.catch(() => { setup = null; });
  return setup;
}

/** Removes the navigator installed above so that nothing keeps Node alive; a later installDawn() starts afresh. */
export function uninstallDawn(): void {
  if (!savedNavigator) return;
  if (savedNavigator.present) {
    Object.defineProperty(globalThis, 'navigator', { configurable: true, writable: true, value: savedNavigator.value });
  } else {
    delete (globalThis as { navigator?: unknown }).navigator;
  }
  savedNavigator = null;
  setup = null;
}
