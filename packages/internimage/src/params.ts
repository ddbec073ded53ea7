// Every tensor of an InternImage state_dict: official name, shape, and how the official code initialises it.
// This list is the single source of truth for weight loading (strict checks), random initialisation and
// parameter counts.
import { sizeOf } from '@internimage/core';
import type { InternImageConfig } from './config.js';
import { dcnPoints, hasLevelNorm, stageChannels } from './config.js';

export type Init =
  | { type: 'truncNormal'; std: number }
  | { type: 'uniform'; bound: number }
  | { type: 'xavierUniform' }
  | { type: 'fill'; value: number };

export interface ParamSpec {
  name: string;
  shape: number[];
  /** Buffers (BatchNorm running statistics) are not counted as parameters. */
  kind: 'param' | 'buffer';
  init: Init;
  /** Tensors the official state_dict carries but inference never reads (num_batches_tracked). */
  optional?: boolean;
}

export interface ParamOptions {
  /** Include the classification head (default: when numClasses > 0). */
  head?: boolean;
}

const ZERO: Init = { type: 'fill', value: 0 };
const ONE: Init = { type: 'fill', value: 1 };

/** The state_dict layout of a model with this config, in the official order. */
export function parameterSpecs(c: InternImageConfig, options: ParamOptions = {}): ParamSpec[] {
  const specs: ParamSpec[] = [];
  const add = (name: string, shape: number[], init: Init, kind: 'param' | 'buffer' = 'param', optional = false) =>
    specs.push({ name, shape, kind, init, ...(optional ? { optional } : {}) });
  const linear = (p: string, out: number, inF: number, init: Init = { type: 'truncNormal', std: 0.02 }, bias = true) => {
    add(`${p}.weight`, [out, inF], init);
    if (bias) add(`${p}.bias`, [out], ZERO);
  };
  const layerNorm = (p: string, ch: number) => {
    add(`${p}.weight`, [ch], ONE);
    add(`${p}.bias`, [ch], ZERO);
  };
  // PyTorch's Conv2d default: kaiming_uniform(a=√5) for the weight and U(±1/√fan_in) for the bias.
  const conv = (p: string, out: number, inPerGroup: number, k: number, bias: boolean) => {
    const bound = 1 / Math.sqrt(inPerGroup * k * k);
    add(`${p}.weight`, [out, inPerGroup, k, k], { type: 'uniform', bound });
    if (bias) add(`${p}.bias`, [out], { type: 'uniform', bound });
  };

  conv('patch_embed.conv1', c.channels / 2, 3, 3, true);
  layerNorm('patch_embed.norm1.1', c.channels / 2);
  conv('patch_embed.conv2', c.channels, c.channels / 2, 3, true);
  layerNorm('patch_embed.norm2.1', c.channels);

  const P = dcnPoints(c);
  for (let i = 0; i < 4; i++) {
    const C = stageChannels(c, i);
    const G = c.groups[i]!;
    for (let b = 0; b < c.depths[i]!; b++) {
      const p = `levels.${i}.blocks.${b}`;
      if (c.layerScale !== null) {
        add(`${p}.gamma1`, [C], { type: 'fill', value: c.layerScale });
        add(`${p}.gamma2`, [C], { type: 'fill', value: c.layerScale });
      }
      layerNorm(`${p}.norm1.0`, C);
      if (c.centerFeatureScale) {
        add(`${p}.dcn.center_feature_scale_proj_weight`, [G, C], ZERO);
        add(`${p}.dcn.center_feature_scale_proj_bias`, [G], ZERO);
      }
      conv(`${p}.dcn.dw_conv.0`, C, 1, c.dwKernelSize, true);
      layerNorm(`${p}.dcn.dw_conv.1.1`, C);
      linear(`${p}.dcn.offset`, G * P * 2, C, ZERO);
      linear(`${p}.dcn.mask`, G * P, C, ZERO);
      linear(`${p}.dcn.input_proj`, C, C, { type: 'xavierUniform' });
      linear(`${p}.dcn.output_proj`, C, C, { type: 'xavierUniform' });
      layerNorm(`${p}.norm2.0`, C);
      const hidden = Math.floor(C * c.mlpRatio);
      linear(`${p}.mlp.fc1`, hidden, C);
      linear(`${p}.mlp.fc2`, C, hidden);
      if (c.resPostNorm) {
        layerNorm(`${p}.res_post_norm1.0`, C);
        layerNorm(`${p}.res_post_norm2.0`, C);
      }
    }
    if (i === 2 && c.level2PostNorm) {
      c.level2PostNormBlockIds.forEach((_, k) => layerNorm(`levels.2.post_norms.${k}.0`, C));
    }
    if (hasLevelNorm(c)) layerNorm(`levels.${i}.norm.0`, C);
    if (i < 3) {
      conv(`levels.${i}.downsample.conv`, 2 * C, C, 3, false);
      layerNorm(`levels.${i}.downsample.norm.1`, 2 * C);
    }
  }

  if (options.head ?? c.numClasses > 0) {
    const F = stageChannels(c, 3);
    if (c.useClipProjector) {
      const E = c.pretrainEmbedDim;
      conv('dcnv3_head_x4.0', E * 4, F, 1, true);
      conv('dcnv3_head_x3', E, F / 2, 1, true);
      for (const n of ['norm1_q', 'norm1_k', 'norm1_v']) layerNorm(`clip_projector.${n}.0`, E);
      for (const n of ['q', 'k', 'v']) linear(`clip_projector.cross_dcn.${n}`, E, E, undefined, false);
      for (const n of ['q_bias', 'k_bias', 'v_bias']) add(`clip_projector.cross_dcn.${n}`, [E], ZERO);
      linear('clip_projector.cross_dcn.proj', c.clipEmbedDim, E);
      layerNorm('fc_norm.0', c.clipEmbedDim);
      linear('head', c.numClasses, c.clipEmbedDim);
    } else {
      const Fh = Math.floor(F * c.clsScale);
      conv('conv_head.0', Fh, F, 1, false);
      layerNorm('conv_head.1.0', Fh);
      add('conv_head.1.0.running_mean', [Fh], ZERO, 'buffer');
      add('conv_head.1.0.running_var', [Fh], ONE, 'buffer');
      add('conv_head.1.0.num_batches_tracked', [], ZERO, 'buffer', true);
      linear('head', c.numClasses, Fh);
    }
  }
  return specs;
}

/** Number of parameters (buffers excluded), as the official README counts them. */
export function countParameters(c: InternImageConfig, options?: ParamOptions): number {
  return parameterSpecs(c, options)
    .filter((s) => s.kind === 'param')
    .reduce((n, s) => n + sizeOf(s.shape), 0);
}
