import type { Backend, BackendFactory, DataId, TensorInfo } from './backend.js';
import { bytesPerElement } from './dtypes.js';
import { BackendUnavailableError } from './errors.js';
import { getKernel } from './kernel_registry.js';
import type { KernelName, KernelSpec } from './kernel_names.js';
import type { TensorTracker } from './tensor.js';
import { Tensor } from './tensor.js';
import { sizeOf } from './shape.js';
import type { KernelTimer, Profile } from './profile.js';
import { hostTimer, profileKey, summarise } from './profile.js';

interface DataRecord {
  backend: Backend;
  bytes: number;
  refs: number;
}

export interface BackendMemoryInfo {
  tensors: number;
  bytes: number;
  /** Buffers held by the backend itself (its own accounting). */
  buffers: number;
}

export interface MemoryInfo {
  /** Live tensor handles on all backends. */
  tensors: number;
  /** Bytes of distinct live buffers on all backends. */
  bytes: number;
  backends: Record<string, BackendMemoryInfo>;
}

/** Global state: backends, the active one, live data and tidy scopes. One instance per process. */
export class Engine implements TensorTracker {
  private readonly factories = new Map<string, { factory: BackendFactory; priority: number }>();
  private readonly instances = new Map<string, Backend>();
  private readonly pending = new Map<string, Promise<Backend>>();
  private active: Backend | null = null;
  private readonly data = new Map<DataId, DataRecord>();
  private readonly tensorCounts = new Map<Backend, number>();
  private readonly scopes: Array<Set<Tensor>> = [];
  private nextId = 0;
  /** Timed dispatches while profile() runs. */
  private profiling: Array<{ key: string; timer: KernelTimer }> | null = null;

  registerBackend(name: string, factory: BackendFactory, priority = 0): void {
    if (this.factories.has(name)) throw new Error(`registerBackend: backend '${name}' is already registered`);
    this.factories.set(name, { factory, priority });
  }

  /** Registered names, highest priority first. */
  listBackends(): string[] {
    return [...this.factories.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([n]) => n);
  }

  /**
   * Makes `names` (or the first of them that initialises) active. Never substitutes a backend that was not named:
   * when none initialises the error lists each backend's reason.
   */
  async setBackend(names: string | readonly string[]): Promise<string> {
    const list = typeof names === 'string' ? [names] : [...names];
    if (list.length === 0) throw new Error('setBackend: expected at least one backend name, got an empty list');
    const reasons: Array<{ backend: string; reason: string }> = [];
    for (const name of list) {
      try {
        this.active = await this.initBackend(name);
        return name;
      } catch (e) {
        reasons.push({ backend: name, reason: e instanceof Error ? e.message : String(e) });
      }
    }
    throw new BackendUnavailableError(reasons);
  }

  /** The initialised backend of that name (initialising it if needed), without making it active. */
  async findBackend(name: string): Promise<Backend> {
    return this.initBackend(name);
  }

  private initBackend(name: string): Promise<Backend> {
    const ready = this.instances.get(name);
    if (ready) return Promise.resolve(ready);
    const inFlight = this.pending.get(name);
    if (inFlight) return inFlight;
    const entry = this.factories.get(name);
    if (!entry) {
      const known = this.listBackends();
      return Promise.reject(
        new Error(`not registered (registered: ${known.length ? known.join(', ') : 'none'}; import its package first)`),
      );
    }
    const p = (async () => {
      try {
        const b = await entry.factory();
        this.instances.set(name, b);
        return b;
      } finally {
        this.pending.delete(name);
      }
    })();
    this.pending.set(name, p);
    return p;
  }

  get backend(): Backend {
    if (!this.active) {
      throw new Error(
        `no active backend: call 'await setBackend(name)' first (registered: ${this.listBackends().join(', ') || 'none'})`,
      );
    }
    return this.active;
  }

  get backendName(): string | null {
    return this.active?.name ?? null;
  }

  /** Disposes a backend instance and all its data; tensors on it become unusable. */
  removeBackend(name: string): void {
    const b = this.instances.get(name);
    if (!b) return;
    for (const [id, rec] of this.data) if (rec.backend === b) this.data.delete(id);
    this.tensorCounts.delete(b);
    b.dispose();
    this.instances.delete(name);
    if (this.active === b) this.active = null;
  }

  runKernel<K extends KernelName>(name: K, inputs: KernelSpec[K]['inputs'], attrs: KernelSpec[K]['attrs']): Tensor {
    const backend = this.backend;
    for (const [arg, value] of Object.entries(inputs as Record<string, unknown>)) {
      const list = Array.isArray(value) ? value : [value];
      for (const t of list) {
        if (t === undefined) continue;
        const tensor = t as Tensor;
        tensor.assertLive(`${name} input '${arg}'`);
        if (tensor.backend !== backend) {
          throw new Error(
            `${name}: input '${arg}' lives on backend '${tensor.backend.name}' but the active backend is '${backend.name}'; ` +
              `move it with 'await moveTo(tensor, "${backend.name}")'`,
          );
        }
      }
    }
    const kernel = getKernel(name, backend.name);
    if (!this.profiling) return this.track(kernel({ inputs, attrs, backend }), backend);
    const timer = backend.kernelTimer?.() ?? hostTimer();
    try {
      return this.track(kernel({ inputs, attrs, backend }), backend);
    } finally {
      timer.stop();
      this.profiling.push({ key: profileKey(name, attrs), timer });
    }
  }

  /**
   * Runs `fn` (awaiting it) with every kernel dispatch timed, and returns its result with the time per kernel: device
   * time where the active backend times its own work (cuda), otherwise the host time of each kernel call.
   */
  async profile<R>(fn: () => R | Promise<R>): Promise<Profile<Awaited<R>>> {
    if (this.profiling) throw new Error('profile: already profiling (profile() calls cannot be nested)');
    const records: Array<{ key: string; timer: KernelTimer }> = [];
    const clock = this.active?.kernelTimer ? 'device' : 'host';
    this.profiling = records;
    let result: Awaited<R>;
    try {
      result = await fn();
    } catch (e) {
      await summarise(records).catch(() => []); // reading the timers releases them; the error is fn's
      throw e;
    } finally {
      this.profiling = null;
    }
    return { result, kernels: await summarise(records), clock };
  }

  /** Wraps a buffer a backend just produced (or shares) in a new tracked handle. */
  track(info: TensorInfo, backend: Backend): Tensor {
    const rec = this.data.get(info.dataId);
    if (rec) rec.refs++;
    else {
      const size = sizeOf(info.shape);
      this.data.set(info.dataId, { backend, bytes: size * bytesPerElement(info.dtype), refs: 1 });
    }
    const t = new Tensor(info.dataId, info.shape, info.dtype, backend, this.nextId++, this);
    this.tensorCounts.set(backend, (this.tensorCounts.get(backend) ?? 0) + 1);
    this.scopes[this.scopes.length - 1]?.add(t);
    return t;
  }

  disposeTensor(t: Tensor): void {
    if (t.isDisposed) return;
    t.isDisposed = true;
    this.tensorCounts.set(t.backend, (this.tensorCounts.get(t.backend) ?? 1) - 1);
    for (const s of this.scopes) s.delete(t);
    const rec = this.data.get(t.dataId);
    if (!rec) return;
    if (--rec.refs === 0) {
      this.data.delete(t.dataId);
      rec.backend.disposeData(t.dataId);
    }
  }

  keep<T extends Tensor>(t: T): T {
    t.kept = true;
    for (const s of this.scopes) s.delete(t);
    return t;
  }

  tidy<R>(fn: () => R): R {
    const scope = new Set<Tensor>();
    this.scopes.push(scope);
    let result: R;
    try {
      result = fn();
      if (result instanceof Promise) {
        throw new Error('tidy: the function returned a Promise; tidy only tracks synchronous work');
      }
    } catch (e) {
      this.scopes.pop();
      for (const t of scope) if (!t.kept) this.disposeTensor(t);
      throw e;
    }
    this.scopes.pop();
    const keepSet = new Set<Tensor>();
    collectTensors(result, keepSet);
    for (const t of scope) if (!keepSet.has(t) && !t.kept) this.disposeTensor(t);
    const parent = this.scopes[this.scopes.length - 1];
    if (parent) for (const t of keepSet) if (!t.kept && !t.isDisposed) parent.add(t);
    return result;
  }

  memory(): MemoryInfo {
    const backends: Record<string, BackendMemoryInfo> = {};
    for (const b of this.instances.values()) {
      backends[b.name] = { tensors: this.tensorCounts.get(b) ?? 0, bytes: 0, buffers: b.memory().buffers };
    }
    let bytes = 0;
    for (const rec of this.data.values()) {
      bytes += rec.bytes;
      const entry = backends[rec.backend.name];
      if (entry) entry.bytes += rec.bytes;
    }
    let tensors = 0;
    for (const n of this.tensorCounts.values()) tensors += n;
    return { tensors, bytes, backends };
  }
}

function collectTensors(x: unknown, out: Set<Tensor>, seen = new Set<unknown>()): void {
  if (x instanceof Tensor) {
    out.add(x);
    return;
  }
  if (x === null || typeof x !== 'object' || seen.has(x)) return;
  seen.add(x);
  const values = x instanceof Map ? x.values() : Array.isArray(x) ? x : Object.values(x);
  for (const v of values) collectTensors(v, out, seen);
}

export const engine = new Engine();
