// Argument checks shared by all ops. Each failure names the op, the argument, the expectation and what came.
import type { DType } from './dtypes.js';
import { ArgumentError, fmtShape } from './errors.js';
import { Tensor } from './tensor.js';

export function describe(x: unknown): string {
  if (x instanceof Tensor) return `a ${x.dtype} tensor of shape ${fmtShape(x.shape)}`;
  if (Array.isArray(x)) return `[${x.map(describe).join(', ')}]`;
  if (typeof x === 'string') return JSON.stringify(x);
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'object') return `an object (${x.constructor?.name ?? 'Object'})`;
  return String(x);
}

export function assertTensor(op: string, arg: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new ArgumentError(op, arg, 'a Tensor', describe(x));
  if (x.isDisposed) throw new ArgumentError(op, arg, 'a live Tensor', `a disposed tensor of shape ${fmtShape(x.shape)}`);
}

export function assertDType(op: string, arg: string, x: Tensor, allowed: readonly DType[]): void {
  if (!allowed.includes(x.dtype)) {
    throw new ArgumentError(op, arg, `of dtype ${allowed.join(' or ')}`, `a ${x.dtype} tensor`);
  }
}

export function assertFloat(op: string, arg: string, x: unknown): asserts x is Tensor {
  assertTensor(op, arg, x);
  assertDType(op, arg, x, ['float32']);
}

export function assertRank(op: string, arg: string, x: Tensor, ranks: number | readonly number[]): void {
  const list = typeof ranks === 'number' ? [ranks] : ranks;
  if (!list.includes(x.rank)) {
    throw new ArgumentError(op, arg, `of rank ${list.join(' or ')}`, `rank ${x.rank} (shape ${fmtShape(x.shape)})`);
  }
}

export function assertShape(op: string, arg: string, x: Tensor, expected: readonly number[], what?: string): void {
  if (x.rank !== expected.length || x.shape.some((d, i) => d !== expected[i])) {
    throw new ArgumentError(op, arg, `of shape ${what ?? fmtShape(expected)}`, fmtShape(x.shape));
  }
}

export function assertInt(op: string, arg: string, v: unknown, min = -Infinity, max = Infinity): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = min === -Infinity ? 'an integer' : max === Infinity ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw new ArgumentError(op, arg, range, describe(v));
  }
}

export function assertFiniteNumber(op: string, arg: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(op, arg, 'a finite number', describe(v));
}

export function assertBool(op: string, arg: string, v: unknown): asserts v is boolean {
  if (typeof v !== 'boolean') throw new ArgumentError(op, arg, 'a boolean', describe(v));
}

export function assertOneOf<T extends string>(op: string, arg: string, v: unknown, options: readonly T[]): asserts v is T {
  if (!options.includes(v as T)) throw new ArgumentError(op, arg, `one of ${options.map((o) => `'${o}'`).join(', ')}`, describe(v));
}

/** Normalises a possibly negative axis against `rank`. */
export function resolveAxis(op: string, arg: string, axis: unknown, rank: number): number {
  assertInt(op, arg, axis, -Math.max(rank, 1), Math.max(rank - 1, 0));
  return axis < 0 ? axis + rank : axis;
}

/** An int or a pair of ints (PyTorch style): returns [h, w]. */
export function resolvePair(op: string, arg: string, v: unknown, min: number): [number, number] {
  if (typeof v === 'number') {
    assertInt(op, arg, v, min);
    return [v, v];
  }
  if (Array.isArray(v) && v.length === 2) {
    assertInt(op, `${arg}[0]`, v[0], min);
    assertInt(op, `${arg}[1]`, v[1], min);
    return [v[0], v[1]];
  }
  throw new ArgumentError(op, arg, `an integer >= ${min} or a pair [h, w]`, describe(v));
}

/** Rejects option keys the op does not know, so a typo is an error rather than a silently ignored setting. */
export function assertKnownOptions(op: string, options: object | undefined, known: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') throw new ArgumentError(op, 'options', 'an object', describe(options));
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) {
      throw new ArgumentError(op, `options.${k}`, `one of the known options (${known.join(', ')})`, 'an unknown option');
    }
  }
}
