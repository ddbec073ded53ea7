import { engine } from '../engine.js';
import { ArgumentError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import {
  assertFiniteNumber, assertFloat, assertKnownOptions, assertShape, resolveAxis,
} from '../validate.js';

export interface LayerNormOptions {
  weight?: Tensor;
  bias?: Tensor;
  /** Default 1e-5 as in PyTorch (InternImage uses 1e-6). */
  eps?: number;
}

/** LayerNorm over the last axis: (x − mean) / sqrt(var + eps) · weight + bias, biased variance. */
export function layerNorm(x: Tensor, options: LayerNormOptions = {}): Tensor {
  const op = 'layerNorm';
  assertFloat(op, 'x', x);
  assertKnownOptions(op, options, ['weight', 'bias', 'eps']);
  if (x.rank === 0) throw new ArgumentError(op, 'x', 'of rank >= 1', 'a scalar');
  const c = x.shape[x.rank - 1]!;
  const { weight, bias } = options;
  const eps = options.eps ?? 1e-5;
  assertFiniteNumber(op, 'eps', eps);
  if (weight !== undefined) {
    assertFloat(op, 'weight', weight);
    assertShape(op, 'weight', weight, [c], `[${c}] (the last axis of x)`);
  }
  if (bias !== undefined) {
    assertFloat(op, 'bias', bias);
    assertShape(op, 'bias', bias, [c], `[${c}] (the last axis of x)`);
  }
  return engine.runKernel('LayerNorm', { x, weight, bias }, { eps });
}

export interface BatchNormOptions {
  weight?: Tensor;
  bias?: Tensor;
  /** Default 1e-5 as in PyTorch. */
  eps?: number;
  /** Channel axis; default 1 (NCHW). Use -1 for channels-last. */
  axis?: number;
}

/** Inference-form batch norm with running statistics: (x − mean) / sqrt(variance + eps) · weight + bias. */
export function batchNorm(x: Tensor, mean: Tensor, variance: Tensor, options: BatchNormOptions = {}): Tensor {
  const op = 'batchNorm';
  assertFloat(op, 'x', x);
  assertKnownOptions(op, options, ['weight', 'bias', 'eps', 'axis']);
  if (x.rank < 2) throw new ArgumentError(op, 'x', 'of rank >= 2 (batch, channels, ...)', `shape ${fmtShape(x.shape)}`);
  const channelAxis = resolveAxis(op, 'axis', options.axis ?? 1, x.rank);
  const c = x.shape[channelAxis]!;
  const eps = options.eps ?? 1e-5;
  assertFiniteNumber(op, 'eps', eps);
  const perChannel = { mean, variance, weight: options.weight, bias: options.bias };
  for (const [name, t] of Object.entries(perChannel)) {
    if (t === undefined) continue;
    assertFloat(op, name, t);
    assertShape(op, name, t, [c], `[${c}] (x's channel axis ${channelAxis})`);
  }
  return engine.runKernel('BatchNorm', { x, ...perChannel }, { eps, channelAxis });
}
