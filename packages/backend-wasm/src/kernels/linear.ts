import { cpuKernel } from '@internimage/backend-cpu';
import { gemm, packTransposed } from '../gemm.js';
import { packedFor } from '../weights_cache.js';

export const linearConfig = cpuKernel('Linear', ({ inputs: { x, weight, bias }, attrs: { activation } }, be) => {
  const [outF, inF] = weight.shape as [number, number];
  const rows = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const { info, out } = be.allocFloat([...x.shape.slice(0, -1), outF]);
  const w = packedFor(weight.dataId, `linear ${outF}x${inF}`, () => packTransposed(be.floats(weight), outF, inF));
  gemm(be.floats(x), w, out, rows, outF, inF, bias ? be.floats(bias) : undefined, activation);
  return info;
}, 'wasm');
