import type { DType } from '../dtypes.js';
import { isDType } from '../dtypes.js';
import { engine } from '../engine.js';
import { ArgumentError, fmtShape } from '../errors.js';
import { sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import {
  assertFiniteNumber, assertInt, assertRank, assertTensor, describe, resolveAxis,
} from '../validate.js';

/** Same data, new shape (no copy). One entry may be -1 and is inferred. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const op = 'reshape';
  assertTensor(op, 'x', x);
  if (!Array.isArray(shape)) throw new ArgumentError(op, 'shape', 'an array of integers', describe(shape));
  const inferAt = shape.indexOf(-1);
  if (shape.lastIndexOf(-1) !== inferAt) throw new ArgumentError(op, 'shape', 'at most one -1', fmtShape(shape));
  shape.forEach((d, i) => { if (i !== inferAt) assertInt(op, `shape[${i}]`, d, 0); });
  const out = [...shape];
  if (inferAt >= 0) {
    const known = sizeOf(shape.filter((_, i) => i !== inferAt));
    if (known === 0 || x.size % known !== 0) {
      throw new ArgumentError(op, 'shape', `a shape whose known dimensions divide ${x.size} (the size of x)`, fmtShape(shape));
    }
    out[inferAt] = x.size / known;
  }
  if (sizeOf(out) !== x.size) {
    throw new ArgumentError(op, 'shape', `a shape with ${x.size} elements (x is ${fmtShape(x.shape)})`, `${fmtShape(out)} with ${sizeOf(out)}`);
  }
  return engine.track({ dataId: x.dataId, shape: out, dtype: x.dtype }, x.backend);
}

/** Permutes axes (PyTorch's permute); default reverses them. */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const op = 'transpose';
  assertTensor(op, 'x', x);
  const p = perm ?? [...Array(x.rank).keys()].reverse();
  if (!Array.isArray(p) || p.length !== x.rank) {
    throw new ArgumentError(op, 'perm', `a permutation of ${x.rank} axes`, describe(p));
  }
  const resolved = p.map((a, i) => resolveAxis(op, `perm[${i}]`, a, x.rank));
  if (new Set(resolved).size !== x.rank) throw new ArgumentError(op, 'perm', `a permutation of ${x.rank} axes`, describe(p));
  return engine.runKernel('Transpose', { x }, { perm: resolved });
}

/** The block starting at `begin` with `size` elements per axis (-1: to the end). */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  const op = 'slice';
  assertTensor(op, 'x', x);
  if (!Array.isArray(begin) || begin.length !== x.rank) {
    throw new ArgumentError(op, 'begin', `an array of ${x.rank} integers (one per axis of x)`, describe(begin));
  }
  const sz = size ?? begin.map(() => -1);
  if (!Array.isArray(sz) || sz.length !== x.rank) {
    throw new ArgumentError(op, 'size', `an array of ${x.rank} integers (one per axis of x)`, describe(size));
  }
  const outSize = begin.map((b, i) => {
    const dim = x.shape[i]!;
    assertInt(op, `begin[${i}]`, b, 0, dim);
    const s = sz[i]!;
    if (s === -1) return dim - b;
    assertInt(op, `size[${i}]`, s, 0, dim - b);
    return s;
  });
  return engine.runKernel('Slice', { x }, { begin: [...begin], size: outSize });
}

/** Joins tensors along `axis`; all other axes must match. */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  const op = 'concat';
  const xs: readonly Tensor[] = tensors;
  if (!Array.isArray(tensors) || xs.length === 0) throw new ArgumentError(op, 'xs', 'a non-empty array of tensors', describe(tensors));
  xs.forEach((t, i) => assertTensor(op, `xs[${i}]`, t));
  const first = xs[0]!;
  if (first.rank === 0) throw new ArgumentError(op, 'xs[0]', 'a tensor of rank >= 1', 'a scalar');
  const ax = resolveAxis(op, 'axis', axis, first.rank);
  xs.forEach((t, i) => {
    if (t.dtype !== first.dtype) throw new ArgumentError(op, `xs[${i}]`, `of dtype ${first.dtype} like xs[0]`, `a ${t.dtype} tensor`);
    if (t.rank !== first.rank || t.shape.some((d, j) => j !== ax && d !== first.shape[j])) {
      throw new ArgumentError(op, `xs[${i}]`, `of shape ${fmtShape(first.shape.map((d, j) => (j === ax ? -1 : d)))} (-1: any) like xs[0]`, fmtShape(t.shape));
    }
  });
  return engine.runKernel('Concat', { xs: [...xs] }, { axis: ax });
}

/** Constant padding: `paddings[i] = [before, after]` for each axis. */
export function pad(x: Tensor, paddings: ReadonlyArray<readonly [number, number]>, value = 0): Tensor {
  const op = 'pad';
  assertTensor(op, 'x', x);
  if (!Array.isArray(paddings) || paddings.length !== x.rank) {
    throw new ArgumentError(op, 'paddings', `${x.rank} pairs [before, after] (one per axis of x)`, describe(paddings));
  }
  const resolved = paddings.map((p, i) => {
    if (!Array.isArray(p) || p.length !== 2) throw new ArgumentError(op, `paddings[${i}]`, 'a pair [before, after]', describe(p));
    assertInt(op, `paddings[${i}][0]`, p[0], 0);
    assertInt(op, `paddings[${i}][1]`, p[1], 0);
    return [p[0], p[1]] as [number, number];
  });
  assertFiniteNumber(op, 'value', value);
  if (x.dtype === 'int32' && !Number.isInteger(value)) throw new ArgumentError(op, 'value', 'an integer for an int32 tensor', String(value));
  return engine.runKernel('Pad', { x }, { paddings: resolved, value });
}

/** Converts dtype. float32 → int32 truncates toward zero (as PyTorch); values must lie in int32 range. */
export function cast(x: Tensor, dtype: DType): Tensor {
  assertTensor('cast', 'x', x);
  if (!isDType(dtype)) throw new ArgumentError('cast', 'dtype', "'float32' or 'int32'", describe(dtype));
  return engine.runKernel('Cast', { x }, { dtype });
}

/** NCHW PixelShuffle: `[N, C·r², H, W]` → `[N, C, H·r, W·r]`. */
export function pixelShuffle(x: Tensor, upscale: number): Tensor {
  const op = 'pixelShuffle';
  assertTensor(op, 'x', x);
  assertRank(op, 'x', x, 4);
  assertInt(op, 'upscale', upscale, 1);
  const c = x.shape[1]!;
  if (c % (upscale * upscale) !== 0) {
    throw new ArgumentError(op, 'x', `channels divisible by upscale² = ${upscale * upscale}`, `shape ${fmtShape(x.shape)}`);
  }
  return engine.runKernel('PixelShuffle', { x }, { upscale });
}
