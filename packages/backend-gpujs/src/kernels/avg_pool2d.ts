import type { Pool2DInfo } from '@internimage/core';
import { imageStrides } from '@internimage/core';
import { kernelSource } from '../codegen.js';
import { imageCoords } from './layout.js';
import { gpujsKernel } from './kernel.js';

export function avgPool2dSource(g: Pool2DInfo): string {
  const xs = imageStrides(g.dataFormat, g.channels, g.inH, g.inW);
  const body = imageCoords(g.dataFormat, g.channels, g.outH, g.outW) +
    `var y0 = y * ${g.strideH} - ${g.padTop};\nvar x0 = x * ${g.strideW} - ${g.padLeft};\n` +
    `var xb = n * ${xs.n} + c * ${xs.c};\nvar acc = 0.0;\nvar inside = 0.0;\n` +
    `for (var ky = 0; ky < ${g.kH}; ky++) {\nvar iy = y0 + ky;\nfor (var kx = 0; kx < ${g.kW}; kx++) {\nvar ix = x0 + kx;\n` +
    `if (iy >= 0 && iy < ${g.inH} && ix >= 0 && ix < ${g.inW}) { acc = acc + xi[xb + iy * ${xs.h} + ix * ${xs.w}]; inside = inside + 1; }\n` +
    '}\n}\n' +
    // Without ceil mode every window lies inside the padded input, so counting padding means kH·kW.
    (g.countIncludePad ? `return acc / ${g.kH * g.kW};\n` : 'return acc / inside;\n');
  return kernelSource(['xi'], body);
}

export const avgPool2dKernel = gpujsKernel('AvgPool2D', ({ inputs: { x }, attrs }, backend) =>
  backend.run({
    name: 'AvgPool2D', source: avgPool2dSource(attrs), inputs: [x], shape: attrs.outShape, dtype: 'float32',
    split: { source: () => avgPool2dSource(attrs), follows: [true] },
  }));
