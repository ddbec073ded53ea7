import type { Tensor } from '@internimage/core';
import { layerNorm } from '@internimage/core';
import type { ParamsView } from './params_view.js';

/** Every LayerNorm of InternImage uses eps 1e-6 (docs/internimage.md#the-network). */
export const LN_EPS = 1e-6;

/** LayerNorm over the last axis with the weight and bias under `p` (e.g. `norm1.0`). */
export function ln(p: ParamsView, x: Tensor): Tensor {
  return layerNorm(x, { weight: p.get('weight'), bias: p.get('bias'), eps: LN_EPS });
}
