import type { TensorInfo } from '@internimage/core';
import { lines } from '@internimage/core';
import { divmod, kernelSource } from '../codegen.js';
import { gpujsKernel } from './kernel.js';

export function batchNormSource(channels: number, inner: number, eps: number, weight: boolean, bias: boolean): string {
  const args = ['x', 'm', 'v', ...(weight ? ['w'] : []), ...(bias ? ['b'] : [])];
  const body = divmod('i', inner, 'line', 'n') + divmod('line', channels, 'o', 'c') +
    `var scale = ${weight ? 'w[c]' : '1.0'} / Math.sqrt(v[c] + ${eps});\n` +
    `var shift = ${bias ? 'b[c]' : '0.0'} - m[c] * scale;\n` +
    'return x[i] * scale + shift;\n';
  return kernelSource(args, body);
}

export const batchNormKernel = gpujsKernel('BatchNorm', ({ inputs: { x, mean, variance, weight, bias }, attrs: { eps, channelAxis } }, backend) => {
  const { length, inner } = lines(x.shape, channelAxis);
  const inputs = [x, mean, variance, ...(weight ? [weight] : []), ...(bias ? [bias] : [])] as TensorInfo[];
  const source = batchNormSource(length, inner, eps, !!weight, !!bias);
  return backend.run({
    name: 'BatchNorm', source, inputs, shape: x.shape, dtype: 'float32',
    split: channelAxis === 0 ? undefined : { source: () => source, follows: inputs.map((_, j) => j === 0) },
  });
});
