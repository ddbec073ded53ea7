import type { DCNv3Info } from '@internimage/core';
import { divmod, kernelSource, lit } from '../codegen.js';
import { gpujsKernel } from './kernel.js';

/**
 * DCNv3 core operator (docs/internimage.md#the-dcnv3-operator), one output element (n, ho, wo, g, d) per thread: for
 * each of the P sampling points, in x-outer order, the mask-weighted bilinear sample of its channel with zero padding.
 */
export function dcnv3Source(g: DCNv3Info): string {
  const { inH: H, inW: W, groupChannels: D, points: P, group: G } = g;
  const C = G * D;
  const aH = Math.floor((g.dilationH * (g.kernelH - 1)) / 2);
  const aW = Math.floor((g.dilationW * (g.kernelW - 1)) / 2);
  const s = lit(g.offsetScale);
  const centre = g.removeCenter
    ? `if (ki == ${Math.floor(g.kernelW / 2)} && kj == ${Math.floor(g.kernelH / 2)}) { use = 0; }\n`
    : '';
  const body = divmod('i', C, 'pixel', 'ch') + divmod('ch', D, 'grp', 'd') +
    divmod('pixel', g.outW, 'nh', 'wo') + divmod('nh', g.outH, 'n', 'ho') +
    `var vb = n * ${H * W * C} + ch;\nvar kb = (pixel * ${G} + grp) * ${P};\n` +
    `var bx = wo * ${g.strideW} - ${g.padW} + ${aW};\nvar by = ho * ${g.strideH} - ${g.padH} + ${aH};\n` +
    'var acc = 0.0;\nvar p = 0;\n' +
    `for (var ki = 0; ki < ${g.kernelW}; ki++) {\nfor (var kj = 0; kj < ${g.kernelH}; kj++) {\nvar use = 1;\n${centre}` +
    'if (use > 0) {\nvar k = kb + p;\n' +
    `var sx = bx + (ki * ${g.dilationW} - ${aW} + off[2 * k]) * ${s};\n` +
    `var sy = by + (kj * ${g.dilationH} - ${aH} + off[2 * k + 1]) * ${s};\n` +
    `if (sy > -1 && sx > -1 && sy < ${H} && sx < ${W}) {\n` +
    'var y0 = Math.floor(sy);\nvar x0 = Math.floor(sx);\nvar ly = sy - y0;\nvar lx = sx - x0;\nvar hy = 1 - ly;\nvar hx = 1 - lx;\n' +
    'var v00 = 0.0;\nvar v01 = 0.0;\nvar v10 = 0.0;\nvar v11 = 0.0;\n' +
    `if (y0 >= 0 && x0 >= 0) { v00 = value[vb + (y0 * ${W} + x0) * ${C}]; }\n` +
    `if (y0 >= 0 && x0 + 1 < ${W}) { v01 = value[vb + (y0 * ${W} + x0 + 1) * ${C}]; }\n` +
    `if (y0 + 1 < ${H} && x0 >= 0) { v10 = value[vb + ((y0 + 1) * ${W} + x0) * ${C}]; }\n` +
    `if (y0 + 1 < ${H} && x0 + 1 < ${W}) { v11 = value[vb + ((y0 + 1) * ${W} + x0 + 1) * ${C}]; }\n` +
    'acc = acc + mask[k] * (hy * hx * v00 + hy * lx * v01 + ly * hx * v10 + ly * lx * v11);\n' +
    '}\np = p + 1;\n}\n}\n}\nreturn acc;\n';
  return kernelSource(['value', 'off', 'mask'], body);
}

export const dcnv3Kernel = gpujsKernel('DCNv3', ({ inputs: { value, offset, mask }, attrs }, backend) =>
  backend.run({
    name: 'DCNv3', source: dcnv3Source(attrs), inputs: [value, offset, mask], shape: attrs.outShape, dtype: 'float32',
    // One batch image per leading row; the source does not depend on the batch size.
    split: { source: () => dcnv3Source(attrs), follows: [true, true, true] },
  }));
