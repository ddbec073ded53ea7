import type { Resample2DInfo } from '@internimage/core';
import { divmod, kernelSource } from '../codegen.js';
import { imageCoords, imageStrides } from './layout.js';
import { gpujsKernel } from './kernel.js';

/** Largest bin of PyTorch's adaptive pooling along one axis: loops run to this constant and test the bin's end. */
function largestBin(inSize: number, outSize: number): number {
  let most = 0;
  for (let i = 0; i < outSize; i++) {
    most = Math.max(most, Math.ceil(((i + 1) * inSize) / outSize) - Math.floor((i * inSize) / outSize));
  }
  return most;
}

/** Declares `${tag}0 = floor(d·in/out)` and `${tag}1 = ceil((d+1)·in/out)` with exact integer division. */
function bin(d: string, inSize: number, outSize: number, tag: string): string {
  return divmod(`${d} * ${inSize}`, outSize, `${tag}0`, `${tag}r0`) +
    divmod(`(${d} + 1) * ${inSize} + ${outSize - 1}`, outSize, `${tag}1`, `${tag}r1`);
}

export function adaptiveAvgPool2dSource(g: Resample2DInfo): string {
  const xs = imageStrides(g.dataFormat, g.channels, g.inH, g.inW);
  const body = imageCoords(g.dataFormat, g.channels, g.outH, g.outW) +
    bin('y', g.inH, g.outH, 'r') + bin('x', g.inW, g.outW, 'q') +
    `var xb = n * ${xs.n} + c * ${xs.c};\nvar acc = 0.0;\n` +
    `for (var ky = 0; ky < ${largestBin(g.inH, g.outH)}; ky++) {\nvar iy = r0 + ky;\n` +
    `for (var kx = 0; kx < ${largestBin(g.inW, g.outW)}; kx++) {\nvar ix = q0 + kx;\n` +
    `if (iy < r1 && ix < q1) { acc = acc + xi[xb + iy * ${xs.h} + ix * ${xs.w}]; }\n` +
    '}\n}\nreturn acc / ((r1 - r0) * (q1 - q0));\n';
  return kernelSource(['xi'], body);
}

export const adaptiveAvgPool2dKernel = gpujsKernel('AdaptiveAvgPool2D', ({ inputs: { x }, attrs }, backend) =>
  backend.run({
    name: 'AdaptiveAvgPool2D', source: adaptiveAvgPool2dSource(attrs), inputs: [x], shape: attrs.outShape,
    dtype: 'float32', split: { source: () => adaptiveAvgPool2dSource(attrs), follows: [true] },
  }));
