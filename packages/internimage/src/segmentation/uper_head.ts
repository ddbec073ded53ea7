// mmseg 0.27's UPerHead at inference, on channels-last features: pyramid pooling on the coarsest level, lateral 1×1
// convolutions, the top-down path, FPN convolutions, fusion of the four levels and the 1×1 classifier.
import type { Tensor } from '@internimage/core';
import { adaptiveAvgPool2d, add, concat, linear, reshape, resizeBilinear, tidy } from '@internimage/core';
import type { ParamsView } from '../layers/params_view.js';
import { convModule } from './conv_module.js';

export interface UPerHeadOptions {
  poolScales: readonly number[];
  alignCorners: boolean;
}

const sizeOf = (x: Tensor): [number, number] => [x.shape[1]!, x.shape[2]!];

/** Four NHWC features (strides 4, 8, 16, 32) → logits `[N, h0, w0, numClasses]` at the finest level's size. */
export function uperHead(p: ParamsView, features: readonly Tensor[], options: UPerHeadOptions): Tensor {
  const resize = (x: Tensor, size: [number, number]) =>
    resizeBilinear(x, size, { alignCorners: options.alignCorners, dataFormat: 'NHWC' });
  return tidy(() => {
    const [f0, f1, f2, f3] = features as [Tensor, Tensor, Tensor, Tensor];
    // PPM: each pooled map through its 1×1 ConvModule, back to f3's size; then the 3×3 bottleneck on [f3, pooled…].
    const pooled = options.poolScales.map((s, k) =>
      resize(convModule(p.child(`psp_modules.${k}.1`), adaptiveAvgPool2d(f3, s, { dataFormat: 'NHWC' })), sizeOf(f3)));
    const laterals = [f0, f1, f2].map((f, i) => convModule(p.child(`lateral_convs.${i}`), f));
    laterals.push(convModule(p.child('bottleneck'), concat([f3, ...pooled], 3)));
    // Top-down: each level receives the already-updated level above it.
    for (let i = 3; i > 0; i--) laterals[i - 1] = add(laterals[i - 1]!, resize(laterals[i]!, sizeOf(laterals[i - 1]!)));
    const outs = [0, 1, 2].map((i) => convModule(p.child(`fpn_convs.${i}`), laterals[i]!));
    outs.push(laterals[3]!);
    const size = sizeOf(outs[0]!);
    const fused = convModule(p.child('fpn_bottleneck'), concat(outs.map((o, i) => (i === 0 ? o : resize(o, size))), 3));
    const w = p.get('conv_seg.weight');
    return linear(fused, reshape(w, w.shape.slice(0, 2) as number[]), p.get('conv_seg.bias'));
  });
}
