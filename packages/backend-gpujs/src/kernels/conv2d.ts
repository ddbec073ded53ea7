import type { Conv2DInfo } from '@internimage/core';
import { imageStrides } from '@internimage/core';
import { divmod, kernelSource } from '../codegen.js';
import { imageCoords } from './layout.js';
import { gpujsKernel } from './kernel.js';

/**
 * Direct convolution, one output element per thread, weights OIHW. Covers regular, strided, dilated, grouped,
 * depthwise (one input channel per group) and 1×1 convolutions in NCHW or NHWC.
 */
export function conv2dSource(g: Conv2DInfo, bias: boolean): string {
  const xs = imageStrides(g.dataFormat, g.inChannels, g.inH, g.inW);
  const inPerGroup = g.inChannels / g.groups;
  const outPerGroup = g.outChannels / g.groups;
  const body = imageCoords(g.dataFormat, g.outChannels, g.outH, g.outW) +
    divmod('c', outPerGroup, 'grp', 'cg') +
    `var acc = ${bias ? 'b[c]' : '0.0'};\n` +
    `var xb = n * ${xs.n} + grp * ${inPerGroup * xs.c};\nvar wb = c * ${inPerGroup * g.kH * g.kW};\n` +
    `var y0 = y * ${g.strideH} - ${g.padTop};\nvar x0 = x * ${g.strideW} - ${g.padLeft};\n` +
    `for (var ic = 0; ic < ${inPerGroup}; ic++) {\n` +
    `for (var ky = 0; ky < ${g.kH}; ky++) {\nvar iy = y0 + ky * ${g.dilationH};\n` +
    `for (var kx = 0; kx < ${g.kW}; kx++) {\nvar ix = x0 + kx * ${g.dilationW};\n` +
    `if (iy >= 0 && iy < ${g.inH} && ix >= 0 && ix < ${g.inW}) {\n` +
    `acc = acc + xi[xb + ic * ${xs.c} + iy * ${xs.h} + ix * ${xs.w}] * w[wb + (ic * ${g.kH} + ky) * ${g.kW} + kx];\n` +
    '}\n}\n}\n}\nreturn acc;\n';
  return kernelSource(['xi', 'w', ...(bias ? ['b'] : [])], body);
}

export const conv2dKernel = gpujsKernel('Conv2D', ({ inputs: { x, weight, bias }, attrs }, backend) =>
  backend.run({
    name: 'Conv2D', source: conv2dSource(attrs, !!bias), inputs: [x, weight, ...(bias ? [bias] : [])], shape: attrs.outShape, dtype: 'float32',
    // The source does not depend on the batch size: every part runs the same kernel.
    split: { source: () => conv2dSource(attrs, !!bias), follows: [true, false, false] },
  }));
