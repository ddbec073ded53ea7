// Named weights of a model and their strict loading against the state_dict layout of params.ts.
import type { Tensor } from '@internimage/core';
import { dispose, reshape, SafetensorsFile, sizeOf } from '@internimage/core';
import type { ParamSpec } from './params.js';

const fmt = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** Raised when a weight source does not match the model: every problem is listed at once. */
export class WeightLoadError extends Error {
  constructor(
    readonly missing: ReadonlyArray<{ name: string; shape: number[] }>,
    readonly unexpected: ReadonlyArray<{ name: string; shape: number[] }>,
    readonly misshaped: ReadonlyArray<{ name: string; expected: number[]; actual: number[] }>,
  ) {
    const lines: string[] = [];
    const list = <T>(title: string, items: readonly T[], show: (x: T) => string) => {
      if (!items.length) return;
      lines.push(`${title} (${items.length}):`);
      for (const x of items.slice(0, 50)) lines.push(`  ${show(x)}`);
      if (items.length > 50) lines.push(`  ... and ${items.length - 50} more`);
    };
    list('missing keys', missing, (m) => `${m.name} ${fmt(m.shape)}`);
    list('unexpected keys', unexpected, (u) => `${u.name} ${fmt(u.shape)}`);
    list('mis-shaped keys', misshaped, (m) => `${m.name}: expected ${fmt(m.expected)}, got ${fmt(m.actual)}`);
    super(`weights do not match the model config\n${lines.join('\n')}`);
    this.name = 'WeightLoadError';
  }
}

/** Named tensors that can be listed and shaped before any is read (safetensors files, checkpoints). */
export interface TensorSource {
  names(): string[];
  shapeOf(name: string): readonly number[];
  /** Reads the tensor onto the active backend. */
  tensor(name: string): Tensor;
}

/** Where weights come from: a tensor source, a parsed safetensors file, or tensors by name (the caller keeps those). */
export type WeightSource = TensorSource | SafetensorsFile | ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;

export function toTensorSource(source: WeightSource): TensorSource {
  if (source instanceof SafetensorsFile) {
    return { names: () => source.names(), shapeOf: (n) => source.entry(n).shape, tensor: (n) => source.tensor(n) };
  }
  if ('shapeOf' in source && typeof source.shapeOf === 'function') return source as TensorSource;
  const map = source instanceof Map ? source as ReadonlyMap<string, Tensor> : new Map(Object.entries(source as Record<string, Tensor>));
  return {
    names: () => [...map.keys()],
    shapeOf: (n) => map.get(n)!.shape,
    // A new handle on the same buffer (reshape shares data): the model can dispose its handles independently.
    tensor: (n) => reshape(map.get(n)!, [...map.get(n)!.shape]),
  };
}

interface Entry {
  shape: readonly number[];
  load: () => Tensor;
}

function entriesOf(source: WeightSource, prefix: string): Map<string, Entry> {
  const src = toTensorSource(source);
  const out = new Map<string, Entry>();
  for (const name of src.names()) {
    if (name.startsWith(prefix)) out.set(name.slice(prefix.length), { shape: src.shapeOf(name), load: () => src.tensor(name) });
  }
  return out;
}

export interface LoadOptions {
  /** Report unexpected keys as errors (default true). Missing and mis-shaped keys are always errors. */
  strict?: boolean;
  /** Only keys under this prefix are considered, with the prefix removed (e.g. 'dcn.'). */
  prefix?: string;
  /** Keys that may be present and are ignored (e.g. the classification head when building a backbone). */
  ignore?: (name: string) => boolean;
  /** Called after each tensor is loaded, with the bytes (as float32) loaded so far and in total. */
  onProgress?: (loadedBytes: number, totalBytes: number, name: string) => void;
}

/** Throws a WeightLoadError listing every missing, unexpected and mis-shaped key; reads no tensor data. */
export function checkWeights(specs: readonly ParamSpec[], source: WeightSource, options: LoadOptions = {}): void {
  checkEntries(specs, entriesOf(source, options.prefix ?? ''), options);
}

function checkEntries(specs: readonly ParamSpec[], entries: ReadonlyMap<string, Entry>, options: LoadOptions): void {
  const wanted = new Map(specs.map((s) => [s.name, s]));
  const missing: Array<{ name: string; shape: number[] }> = [];
  const misshaped: Array<{ name: string; expected: number[]; actual: number[] }> = [];
  for (const s of specs) {
    const e = entries.get(s.name);
    if (!e) {
      if (!s.optional) missing.push({ name: s.name, shape: s.shape });
    } else if (e.shape.length !== s.shape.length || e.shape.some((d, i) => d !== s.shape[i])) {
      misshaped.push({ name: s.name, expected: s.shape, actual: [...e.shape] });
    }
  }
  const unexpected = (options.strict ?? true)
    ? [...entries].filter(([n]) => !wanted.has(n) && !options.ignore?.(n)).map(([name, e]) => ({ name, shape: [...e.shape] }))
    : [];
  if (missing.length || unexpected.length || misshaped.length) throw new WeightLoadError(missing, unexpected, misshaped);
}

/** Loads exactly the tensors `specs` describe from `source`, checking names and shapes first. */
export function loadWeights(specs: readonly ParamSpec[], source: WeightSource, options: LoadOptions = {}): Map<string, Tensor> {
  const entries = entriesOf(source, options.prefix ?? '');
  checkEntries(specs, entries, options);
  const out = new Map<string, Tensor>();
  const toLoad = specs.filter((s) => entries.has(s.name) && !s.optional);
  const total = toLoad.reduce((n, s) => n + 4 * sizeOf(s.shape), 0);
  let loaded = 0;
  try {
    for (const s of toLoad) {
      out.set(s.name, entries.get(s.name)!.load());
      loaded += 4 * sizeOf(s.shape);
      options.onProgress?.(loaded, total, s.name);
    }
  } catch (err) {
    dispose(...out.values());
    throw err;
  }
  return out;
}
