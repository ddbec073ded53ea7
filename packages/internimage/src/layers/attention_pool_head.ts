import type { Tensor } from '@internimage/core';
import { add, linear, matMul, mean, mul, pixelShuffle, reshape, softmax, transpose } from '@internimage/core';
import type { InternImageConfig } from '../config.js';
import { ln } from './norm.js';
import type { ParamsView } from './params_view.js';

/** 1×1 convolution with bias on NHWC input, as a linear map over channels. */
function conv1x1(p: ParamsView, x: Tensor): Tensor {
  const w = p.get('weight');
  return linear(x, reshape(w, w.shape.slice(0, 2) as number[]), p.get('bias'));
}

/**
 * H/G head (docs/internimage.md#heads): stage 3 and 4 outputs (NHWC) → 1×1 convs, PixelShuffle, sum → tokens →
 * attention pooling → LayerNorm → linear. Requires stage 3 to be exactly twice the size of stage 4.
 */
export function attentionPoolHead(p: ParamsView, c: InternImageConfig, x3: Tensor, x4: Tensor): Tensor {
  const [n, h4, w4] = x4.shape as [number, number, number, number];
  const [, h3, w3] = x3.shape as [number, number, number, number];
  if (h3 !== 2 * h4 || w3 !== 2 * w4) {
    throw new Error(`attention-pooling head: stage 3 is ${h3}x${w3} but must be twice stage 4 (${h4}x${w4}); use an input size divisible by 32`);
  }
  const E = c.pretrainEmbedDim;
  const a = conv1x1(p.child('dcnv3_head_x4.0'), x4);
  const shuffled = transpose(pixelShuffle(transpose(a, [0, 3, 1, 2]), 2), [0, 2, 3, 1]);
  const tokens = reshape(add(shuffled, conv1x1(p.child('dcnv3_head_x3'), x3)), [n, h3 * w3, E]);

  const q = p.child('clip_projector');
  const att = q.child('cross_dcn');
  const heads = c.attnpoolNumHeads;
  const headDim = E / heads;
  const qIn = ln(q.child('norm1_q.0'), mean(tokens, { axis: 1, keepDims: true }));
  const kIn = ln(q.child('norm1_k.0'), tokens);
  const vIn = ln(q.child('norm1_v.0'), tokens);
  const split = (t: Tensor, len: number) => transpose(reshape(t, [n, len, heads, headDim]), [0, 2, 1, 3]);
  const qh = mul(split(linear(qIn, att.get('q.weight'), att.get('q_bias')), 1), headDim ** -0.5);
  const kh = split(linear(kIn, att.get('k.weight'), att.get('k_bias')), h3 * w3);
  const vh = split(linear(vIn, att.get('v.weight'), att.get('v_bias')), h3 * w3);
  const attn = softmax(matMul(qh, kh, { transposeB: true }), -1);
  const o = reshape(transpose(matMul(attn, vh), [0, 2, 1, 3]), [n, E]);
  const pooled = linear(o, att.get('proj.weight'), att.get('proj.bias'));
  return linear(ln(p.child('fc_norm.0'), pooled), p.get('head.weight'), p.get('head.bias'));
}
