import { engine } from '../engine.js';
import type { UnaryOpName } from '../kernel_names.js';
import type { Tensor } from '../tensor.js';
import { assertDType, assertKnownOptions, assertOneOf, assertTensor } from '../validate.js';

const INT_OK: ReadonlySet<UnaryOpName> = new Set(['neg', 'abs', 'relu']);

function unary(op: UnaryOpName, x: Tensor): Tensor {
  assertTensor(op, 'x', x);
  if (!INT_OK.has(op)) assertDType(op, 'x', x, ['float32']);
  return engine.runKernel('Unary', { x }, { op });
}

export const neg = (x: Tensor): Tensor => unary('neg', x);
export const abs = (x: Tensor): Tensor => unary('abs', x);
export const exp = (x: Tensor): Tensor => unary('exp', x);
export const log = (x: Tensor): Tensor => unary('log', x);
export const sqrt = (x: Tensor): Tensor => unary('sqrt', x);
export const rsqrt = (x: Tensor): Tensor => unary('rsqrt', x);
export const relu = (x: Tensor): Tensor => unary('relu', x);
/** Exact GELU, 0.5·x·(1 + erf(x/√2)) (PyTorch's default); `approximate: 'tanh'` selects the tanh form. */
export function gelu(x: Tensor, options: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  assertKnownOptions('gelu', options, ['approximate']);
  const approximate = options.approximate ?? 'none';
  assertOneOf('gelu', 'approximate', approximate, ['none', 'tanh']);
  return unary(approximate === 'tanh' ? 'geluTanh' : 'gelu', x);
}
export const sigmoid = (x: Tensor): Tensor => unary('sigmoid', x);
export const silu = (x: Tensor): Tensor => unary('silu', x);
export const tanh = (x: Tensor): Tensor => unary('tanh', x);
export const erf = (x: Tensor): Tensor => unary('erf', x);
