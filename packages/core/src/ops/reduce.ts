import { engine } from '../engine.js';
import { ArgumentError } from '../errors.js';
import type { ReduceOpName } from '../kernel_names.js';
import type { Tensor } from '../tensor.js';
import { assertBool, assertDType, assertKnownOptions, assertTensor, describe, resolveAxis } from '../validate.js';

export interface ReduceOptions {
  /** An axis or list of axes (negative counts from the end); all axes when omitted. */
  axis?: number | number[];
  keepDims?: boolean;
}

function reduce(op: ReduceOpName, x: Tensor, options: ReduceOptions = {}): Tensor {
  assertTensor(op, 'x', x);
  assertKnownOptions(op, options, ['axis', 'keepDims']);
  if (op === 'mean') assertDType(op, 'x', x, ['float32']);
  const keepDims = options.keepDims ?? false;
  assertBool(op, 'keepDims', keepDims);
  const axisArg = options.axis ?? [...Array(x.rank).keys()];
  const list = typeof axisArg === 'number' ? [axisArg] : axisArg;
  if (!Array.isArray(list)) throw new ArgumentError(op, 'axis', 'an integer or an array of integers', describe(axisArg));
  const axes = list.map((a, i) => resolveAxis(op, `axis[${i}]`, a, x.rank));
  if (new Set(axes).size !== axes.length) throw new ArgumentError(op, 'axis', 'distinct axes', describe(list));
  if ((op === 'max' || op === 'min') && axes.some((a) => x.shape[a] === 0)) {
    throw new ArgumentError(op, 'x', 'non-empty along the reduced axes', `shape [${x.shape.join(', ')}]`);
  }
  return engine.runKernel('Reduce', { x }, { op, axes: axes.sort((a, b) => a - b), keepDims });
}

export const sum = (x: Tensor, options?: ReduceOptions): Tensor => reduce('sum', x, options);
/** float32 only. */
export const mean = (x: Tensor, options?: ReduceOptions): Tensor => reduce('mean', x, options);
export const max = (x: Tensor, options?: ReduceOptions): Tensor => reduce('max', x, options);
export const min = (x: Tensor, options?: ReduceOptions): Tensor => reduce('min', x, options);

/** Index of the largest value along `axis` (first one on ties), as int32. */
export function argMax(x: Tensor, options: { axis?: number; keepDims?: boolean } = {}): Tensor {
  const op = 'argMax';
  assertTensor(op, 'x', x);
  assertKnownOptions(op, options, ['axis', 'keepDims']);
  const keepDims = options.keepDims ?? false;
  assertBool(op, 'keepDims', keepDims);
  if (x.rank === 0) throw new ArgumentError(op, 'x', 'a tensor of rank >= 1', 'a scalar');
  const axis = resolveAxis(op, 'axis', options.axis ?? -1, x.rank);
  if (x.shape[axis] === 0) throw new ArgumentError(op, 'x', 'non-empty along axis', `length 0 on axis ${axis}`);
  return engine.runKernel('ArgMax', { x }, { axis, keepDims });
}

/** Softmax along `axis` (default: last). */
export function softmax(x: Tensor, axis = -1): Tensor {
  assertTensor('softmax', 'x', x);
  assertDType('softmax', 'x', x, ['float32']);
  if (x.rank === 0) throw new ArgumentError('softmax', 'x', 'a tensor of rank >= 1', 'a scalar');
  return engine.runKernel('Softmax', { x }, { axis: resolveAxis('softmax', 'axis', axis, x.rank) });
}
