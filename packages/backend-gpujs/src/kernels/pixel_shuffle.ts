import { decompose, kernelSource } from '../codegen.js';
import { gpujsKernel, withRows } from './kernel.js';

/** NCHW: out[n, c, y·r+i, x·r+j] = in[n, c·r²+i·r+j, y, x]. */
export function pixelShuffleSource(inShape: readonly number[], r: number): string {
  const [n, cIn, h, w] = inShape as [number, number, number, number];
  const c = cIn / (r * r);
  const body = decompose('i', [n, c, h, r, w, r], ['b', 'oc', 'y', 'ii', 'xx', 'jj'], 'p') +
    `return x[((b * ${cIn} + oc * ${r * r} + ii * ${r} + jj) * ${h} + y) * ${w} + xx];\n`;
  return kernelSource(['x'], body);
}

export const pixelShuffleKernel = gpujsKernel('PixelShuffle', ({ inputs: { x }, attrs: { upscale: r } }, backend) => {
  const [n, cIn, h, w] = x.shape as [number, number, number, number];
  return backend.run({
    name: 'PixelShuffle', source: pixelShuffleSource(x.shape, r), inputs: [x], shape: [n, cIn / (r * r), h * r, w * r], dtype: x.dtype,
    split: { source: (rows) => pixelShuffleSource(withRows(x.shape, rows), r), follows: [true] },
  });
});
