// Named weights of a model and their strict loading against the state_dict layout of params.ts.
import type { SafetensorsFile, Tensor } from '@internimage/core';
import { dispose, reshape } from '@internimage/core';
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

/** Where weights come from: a parsed safetensors file, or tensors by name (ownership stays with the caller). */
export type WeightSource = SafetensorsFile | ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;

interface Entry {
  shape: readonly number[];
  load: () => Tensor;
}

function entriesOf(source: WeightSource, prefix: string): Map<string, Entry> {
  const out = new Map<string, Entry>();
  const strip = (name: string) => (name.startsWith(prefix) ? name.slice(prefix.length) : null);
  if ('names' in source && typeof source.names === 'function') {
    const file = source as SafetensorsFile;
    for (const name of file.names()) {
      const key = strip(name);
      if (key !== null) out.set(key, { shape: file.entry(name).shape, load: () => file.tensor(name) });
    }
  } else {
    const map = source instanceof Map ? source : new Map(Object.entries(source));
    for (const [name, t] of map as Map<string, Tensor>) {
      const key = strip(name);
      // A new handle on the same buffer (reshape shares data): the model can dispose its handles independently.
      if (key !== null) out.set(key, { shape: t.shape, load: () => reshape(t, [...t.shape]) });
    }
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
}

/** Loads exactly the tensors `specs` describe from `source`, checking names and shapes first. */
export function loadWeights(specs: readonly ParamSpec[], source: WeightSource, options: LoadOptions = {}): Map<string, Tensor> {
  const entries = entriesOf(source, options.prefix ?? '');
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
  const out = new Map<string, Tensor>();
  try {
    for (const s of specs) {
      const e = entries.get(s.name);
      if (e && !s.optional) out.set(s.name, e.load());
    }
  } catch (err) {
    dispose(...out.values());
    throw err;
  }
  return out;
}
