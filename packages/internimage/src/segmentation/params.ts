// The state_dict layout of an mmseg EncoderDecoder with an InternImage backbone, UPerHead and auxiliary FCNHead.
// Backbone names are canonical (the 'backbone.' prefix stripped, as checkpoint.ts does); head names keep theirs.
import type { Init, ParamSpec } from '../params.js';
import { parameterSpecs } from '../params.js';
import { stageChannels } from '../config.js';
import type { SegmentorConfig } from './config.js';

const ZERO: Init = { type: 'fill', value: 0 };
const ONE: Init = { type: 'fill', value: 1 };

/** The prefixes of the two heads. */
export const DECODE_HEAD = 'decode_head.';
export const AUX_HEAD = 'auxiliary_head.';

/**
 * Every tensor, in the official order. The auxiliary head is `optional`: checked when present, never loaded (mmseg
 * only runs it in training). BatchNorm's num_batches_tracked is optional too.
 */
export function segmentorSpecs(c: SegmentorConfig): ParamSpec[] {
  const specs: ParamSpec[] = parameterSpecs(c.backbone, { head: false });
  const add = (name: string, shape: number[], init: Init, kind: 'param' | 'buffer', optional: boolean) =>
    specs.push({ name, shape, kind, init, ...(optional ? { optional } : {}) });
  // mmcv's ConvModule: conv without bias (a norm follows), kaiming normal (fan_out, ReLU); BatchNorm weight 1, bias 0.
  const convModule = (p: string, out: number, inC: number, k: number, optional = false) => {
    add(`${p}.conv.weight`, [out, inC, k, k], { type: 'truncNormal', std: Math.sqrt(2 / (out * k * k)) }, 'param', optional);
    add(`${p}.bn.weight`, [out], ONE, 'param', optional);
    add(`${p}.bn.bias`, [out], ZERO, 'param', optional);
    add(`${p}.bn.running_mean`, [out], ZERO, 'buffer', optional);
    add(`${p}.bn.running_var`, [out], ONE, 'buffer', optional);
    add(`${p}.bn.num_batches_tracked`, [], ZERO, 'buffer', true);
  };
  // BaseDecodeHead.init_weights: conv_seg ~ N(0, 0.01), bias 0.
  const convSeg = (p: string, inC: number, optional = false) => {
    add(`${p}conv_seg.weight`, [c.numClasses, inC, 1, 1], { type: 'truncNormal', std: 0.01 }, 'param', optional);
    add(`${p}conv_seg.bias`, [c.numClasses], ZERO, 'param', optional);
  };
  const C = c.channels;
  const inC = [0, 1, 2, 3].map((i) => stageChannels(c.backbone, i));
  const d = DECODE_HEAD;
  convSeg(d, C);
  c.poolScales.forEach((_, k) => convModule(`${d}psp_modules.${k}.1`, C, inC[3]!, 1));
  convModule(`${d}bottleneck`, C, inC[3]! + c.poolScales.length * C, 3);
  for (let i = 0; i < 3; i++) convModule(`${d}lateral_convs.${i}`, C, inC[i]!, 1);
  for (let i = 0; i < 3; i++) convModule(`${d}fpn_convs.${i}`, C, C, 3);
  convModule(`${d}fpn_bottleneck`, C, 4 * C, 3);
  if (c.auxChannels !== null) {
    convSeg(AUX_HEAD, c.auxChannels, true);
    convModule(`${AUX_HEAD}convs.0`, c.auxChannels, inC[2]!, 3, true);
  }
  return specs;
}

/** Parameters (buffers excluded), the auxiliary head included, as the official README counts them. */
export function countSegmentorParameters(c: SegmentorConfig): number {
  return segmentorSpecs(c).filter((s) => s.kind === 'param').reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}
