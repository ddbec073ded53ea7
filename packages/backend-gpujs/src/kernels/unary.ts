import type { UnaryOpName } from '@internimage/core';
import { kernelSource } from '../codegen.js';
import { gpujsKernel } from './kernel.js';

// Each op assigns `y` from `v`. erf is Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7): neither WGSL nor
// gpu.js has erf. tanh is written with exp of a negative argument so that large |v| cannot overflow.
const erfOf = (arg: string) => `var ea = Math.abs(${arg});
var et = 1 / (1 + 0.3275911 * ea);
var ep = et * (0.254829592 + et * (-0.284496736 + et * (1.421413741 + et * (-1.453152027 + et * 1.061405429))));
var ef = 1 - ep * Math.exp(-ea * ea);
if (${arg} < 0) { ef = -ef; }
`;
const SIGMOID = `var sg = 0.0;
if (v >= 0) { sg = 1 / (1 + Math.exp(-v)); } else { var se = Math.exp(v); sg = se / (1 + se); }
`;
const tanhOf = (arg: string) => `var ta = ${arg};
var tt = Math.exp(-2 * Math.abs(ta));
var th = (1 - tt) / (1 + tt);
if (ta < 0) { th = -th; }
`;

/** Each op's statements, from `v` to `y` (the linear kernel reuses gelu's). */
export const UNARY_SOURCES: Record<UnaryOpName, string> = {
  neg: 'y = -v;\n',
  abs: 'y = Math.abs(v);\n',
  exp: 'y = Math.exp(v);\n',
  log: 'y = Math.log(v);\n',
  sqrt: 'y = Math.sqrt(v);\n',
  rsqrt: 'y = 1 / Math.sqrt(v);\n',
  relu: 'y = v;\nif (v < 0) { y = 0; }\n',
  gelu: `var u = v * ${Math.SQRT1_2};\n${erfOf('u')}y = 0.5 * v * (1 + ef);\n`,
  geluTanh: `${tanhOf(`${Math.sqrt(2 / Math.PI)} * (v + 0.044715 * v * v * v)`)}y = 0.5 * v * (1 + th);\n`,
  sigmoid: `${SIGMOID}y = sg;\n`,
  silu: `${SIGMOID}y = v * sg;\n`,
  tanh: `${tanhOf('v')}y = th;\n`,
  erf: `${erfOf('v')}y = ef;\n`,
};

export function unarySource(op: UnaryOpName): string {
  return kernelSource(['x'], `var v = x[i];\nvar y = 0.0;\n${UNARY_SOURCES[op]}return y;\n`);
}

export const unaryKernel = gpujsKernel('Unary', ({ inputs: { x }, attrs: { op } }, backend) =>
  backend.run({
    name: 'Unary', source: unarySource(op), inputs: [x], shape: x.shape, dtype: x.dtype,
    split: { source: () => unarySource(op), follows: [true] },
  }));
