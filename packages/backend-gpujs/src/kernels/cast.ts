import { kernelSource } from '../codegen.js';
import { gpujsKernel } from './kernel.js';

/** int32 values are held as exact floats; float32 → int32 truncates toward zero. */
export function castSource(toInt: boolean): string {
  return kernelSource(['x'], toInt
    ? 'var v = x[i];\nvar t = Math.floor(Math.abs(v));\nif (v < 0) { t = -t; }\nreturn t;\n'
    : 'return x[i];\n');
}

export const castKernel = gpujsKernel('Cast', ({ inputs: { x }, attrs: { dtype } }, backend) =>
  backend.run({
    name: 'Cast', source: castSource(dtype === 'int32' && x.dtype === 'float32'), inputs: [x], shape: x.shape, dtype,
    split: { source: () => castSource(dtype === 'int32' && x.dtype === 'float32'), follows: [true] },
  }));
