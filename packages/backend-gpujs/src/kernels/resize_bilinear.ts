import type { ResizeBilinearInfo } from '@internimage/core';
import { kernelSource, lit } from '../codegen.js';
import { imageCoords, imageStrides } from './layout.js';
import { gpujsKernel } from './kernel.js';

/** Source row or column `i0`, `i1` and weight `l` of `i1` for output coordinate `d` along one axis, in float32 as PyTorch. */
function taps(d: string, inSize: number, scale: number, alignCorners: boolean, tag: string): string {
  const last = inSize - 1;
  return (alignCorners
    ? `var s${tag} = ${d} * ${lit(scale)};\n`
    : `var s${tag} = (${d} + 0.5) * ${lit(scale)} - 0.5;\nif (s${tag} < 0) { s${tag} = 0.0; }\n`) +
    `var ${tag}0 = Math.floor(s${tag});\nif (${tag}0 > ${last}) { ${tag}0 = ${last}; }\n` +
    `var ${tag}1 = ${tag}0 + 1;\nif (${tag}1 > ${last}) { ${tag}1 = ${last}; }\nvar l${tag} = s${tag} - ${tag}0;\n`;
}

export function resizeBilinearSource(g: ResizeBilinearInfo): string {
  const xs = imageStrides(g.dataFormat, g.channels, g.inH, g.inW);
  const at = (r: string, c: string) => `xi[xb + ${r} * ${xs.h} + ${c} * ${xs.w}]`;
  const body = imageCoords(g.dataFormat, g.channels, g.outH, g.outW) +
    taps('y', g.inH, g.scaleH, g.alignCorners, 'r') + taps('x', g.inW, g.scaleW, g.alignCorners, 'q') +
    `var xb = n * ${xs.n} + c * ${xs.c};\n` +
    `var top = (1.0 - lq) * ${at('r0', 'q0')} + lq * ${at('r0', 'q1')};\n` +
    `var bottom = (1.0 - lq) * ${at('r1', 'q0')} + lq * ${at('r1', 'q1')};\n` +
    'return (1.0 - lr) * top + lr * bottom;\n';
  return kernelSource(['xi'], body);
}

export const resizeBilinearKernel = gpujsKernel('ResizeBilinear', ({ inputs: { x }, attrs }, backend) =>
  backend.run({
    name: 'ResizeBilinear', source: resizeBilinearSource(attrs), inputs: [x], shape: attrs.outShape, dtype: 'float32',
    split: { source: () => resizeBilinearSource(attrs), follows: [true] },
  }));
