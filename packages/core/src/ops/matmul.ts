import { engine } from '../engine.js';
import { ArgumentError, fmtShape } from '../errors.js';
import { broadcastShapes } from '../shape.js';
import type { LinearActivation } from '../kernel_names.js';
import type { Tensor } from '../tensor.js';
import { assertBool, assertFloat, assertKnownOptions, assertShape } from '../validate.js';

export interface MatMulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/** Batched matrix product over the last two axes; leading (batch) axes broadcast. Both operands rank >= 2. */
export function matMul(a: Tensor, b: Tensor, options: MatMulOptions = {}): Tensor {
  const op = 'matMul';
  assertFloat(op, 'a', a);
  assertFloat(op, 'b', b);
  assertKnownOptions(op, options, ['transposeA', 'transposeB']);
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  assertBool(op, 'transposeA', transposeA);
  assertBool(op, 'transposeB', transposeB);
  if (a.rank < 2) throw new ArgumentError(op, 'a', 'of rank >= 2', `shape ${fmtShape(a.shape)}`);
  if (b.rank < 2) throw new ArgumentError(op, 'b', 'of rank >= 2', `shape ${fmtShape(b.shape)}`);
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const [m, ka] = transposeA ? [ac, ar] : [ar, ac];
  const [kb, n] = transposeB ? [bc, br] : [br, bc];
  if (ka !== kb) {
    throw new ArgumentError(op, 'b', `a matrix with ${ka} ${transposeB ? 'columns' : 'rows'} (the inner dimension of a)`, `shape ${fmtShape(b.shape)}${transposeB ? ' (transposed)' : ''}`);
  }
  const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
  if (!batch) {
    throw new ArgumentError(op, 'b', `batch dimensions broadcastable with a's ${fmtShape(a.shape.slice(0, -2))}`, fmtShape(b.shape.slice(0, -2)));
  }
  return engine.runKernel('MatMul', { a, b }, { transposeA, transposeB, outShape: [...batch, m, n] });
}

export interface LinearOptions {
  /** 'gelu': y = GELU(x·Wᵀ + b) (exact, erf form) in one kernel, as an MLP's first layer needs. Default 'none'. */
  activation?: LinearActivation;
}

const ACTIVATIONS: readonly LinearActivation[] = ['none', 'gelu'];

/** y = x·Wᵀ + b over the last axis of x, with PyTorch's weight layout `[out, in]`. */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor, options: LinearOptions = {}): Tensor {
  const op = 'linear';
  assertFloat(op, 'x', x);
  assertFloat(op, 'weight', weight);
  if (x.rank < 1) throw new ArgumentError(op, 'x', 'of rank >= 1', 'a scalar');
  const inF = x.shape[x.rank - 1]!;
  if (weight.rank !== 2 || weight.shape[1] !== inF) {
    throw new ArgumentError(op, 'weight', `of shape [out, ${inF}] (in = last axis of x)`, fmtShape(weight.shape));
  }
  if (bias !== undefined) {
    assertFloat(op, 'bias', bias);
    assertShape(op, 'bias', bias, [weight.shape[0]!], `[${weight.shape[0]}] (out features of weight)`);
  }
  if (options === null || typeof options !== 'object') {
    throw new ArgumentError(op, 'options', 'an object', String(options));
  }
  assertKnownOptions(op, options, ['activation']);
  const activation = options.activation ?? 'none';
  if (!ACTIVATIONS.includes(activation)) {
    throw new ArgumentError(op, 'options.activation', `one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}`, `'${String(activation)}'`);
  }
  return engine.runKernel('Linear', { x, weight, bias }, { activation });
}
