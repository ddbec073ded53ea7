// UperNet segmentor configs: the official ADE20K models (InternImage backbone + UPerHead + the auxiliary FCNHead that
// training uses), as segmentation/configs/ade20k/upernet_internimage_*.py in OpenGVLab/InternImage define them.
import { ArgumentError } from '@internimage/core';
import type { InternImageConfig, VariantName } from '../config.js';
import { validateConfig, variantConfig } from '../config.js';

export interface SegmentorConfig {
  /** The backbone (numClasses 0: no classification head). */
  backbone: InternImageConfig;
  /** Channels of every UPerHead convolution (512 in the published models). */
  channels: number;
  numClasses: number;
  poolScales: number[];
  alignCorners: boolean;
  /** Channels of the auxiliary FCNHead (training only; its weights are checked and ignored), or null without one. */
  auxChannels: number | null;
  /** mmseg's img_scale of the test pipeline: bounds of the long and the short side. */
  imgScale: [number, number];
}

export type SegVariantName = Exclude<VariantName, 'g'>;

/** Backbone differences from the classification configs: layer scale 1.0 (T included), no CLIP projector. */
function segBackbone(v: SegVariantName): InternImageConfig {
  const c = variantConfig(v);
  return validateConfig({ ...c, numClasses: 0, useClipProjector: false, layerScale: v === 'h' ? null : 1 });
}

const ADE = { channels: 512, numClasses: 150, poolScales: [1, 2, 3, 6], alignCorners: false, auxChannels: 256 };
const SCALE: Record<SegVariantName, [number, number]> = {
  t: [2048, 512], s: [2048, 512], b: [2048, 512], l: [2560, 640], xl: [2560, 640], h: [3584, 896],
};

export const SEG_VARIANTS: Readonly<Record<SegVariantName, SegmentorConfig>> = Object.fromEntries(
  (Object.keys(SCALE) as SegVariantName[]).map((v) => [v, { ...ADE, poolScales: [...ADE.poolScales], backbone: segBackbone(v), imgScale: SCALE[v] }]),
) as Record<SegVariantName, SegmentorConfig>;

/** The published checkpoint of each variant (Hugging Face OpenGVLab/InternImage). */
export const SEG_CHECKPOINTS: Readonly<Record<SegVariantName, string>> = {
  t: 'upernet_internimage_t_512_160k_ade20k.pth', s: 'upernet_internimage_s_512_160k_ade20k.pth',
  b: 'upernet_internimage_b_512_160k_ade20k.pth', l: 'upernet_internimage_l_640_160k_ade20k.pth',
  xl: 'upernet_internimage_xl_640_160k_ade20k.pth', h: 'upernet_internimage_h_896_160k_ade20k.pth',
};

export function segVariantConfig(name: string): SegmentorConfig {
  const key = String(name).toLowerCase() as SegVariantName;
  if (!(key in SEG_VARIANTS)) {
    throw new ArgumentError('segVariantConfig', 'variant', `one of ${Object.keys(SEG_VARIANTS).join(', ')} (no UperNet-G checkpoint is published)`, JSON.stringify(name));
  }
  return structuredClone(SEG_VARIANTS[key]);
}

export type SegmentorConfigInput = Partial<Omit<SegmentorConfig, 'backbone'>> & { backbone: Partial<InternImageConfig> };

/** Fills defaults (the published head) and checks every field. */
export function validateSegmentorConfig(partial: SegmentorConfigInput): SegmentorConfig {
  const op = 'SegmentorConfig';
  if (!partial || typeof partial !== 'object' || !partial.backbone) throw new ArgumentError(op, 'backbone', 'an InternImage config', JSON.stringify(partial));
  const c: SegmentorConfig = {
    ...ADE, imgScale: [2048, 512], ...partial, poolScales: [...(partial.poolScales ?? ADE.poolScales)],
    backbone: validateConfig({ ...partial.backbone, numClasses: 0 }),
  };
  const int = (name: string, v: unknown, min: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ArgumentError(op, name, `an integer >= ${min}`, String(v));
  };
  int('channels', c.channels, 1);
  int('numClasses', c.numClasses, 1);
  if (c.auxChannels !== null) int('auxChannels', c.auxChannels, 1);
  if (!Array.isArray(c.poolScales) || c.poolScales.length === 0) throw new ArgumentError(op, 'poolScales', 'a non-empty array of positive integers', JSON.stringify(c.poolScales));
  c.poolScales.forEach((s, i) => int(`poolScales[${i}]`, s, 1));
  if (typeof c.alignCorners !== 'boolean') throw new ArgumentError(op, 'alignCorners', 'a boolean', String(c.alignCorners));
  if (!Array.isArray(c.imgScale) || c.imgScale.length !== 2) throw new ArgumentError(op, 'imgScale', '[long, short]', JSON.stringify(c.imgScale));
  c.imgScale.forEach((s, i) => int(`imgScale[${i}]`, s, 32));
  return structuredClone(c);
}

/** Official (mmseg / manifest snake_case) head fields → config fields. */
export function segmentorConfigFromOfficial(backbone: InternImageConfig, head: Record<string, unknown>, imgScale?: [number, number]): SegmentorConfig {
  const known: Record<string, keyof SegmentorConfig> = {
    channels: 'channels', aux_channels: 'auxChannels', num_classes: 'numClasses', pool_scales: 'poolScales', align_corners: 'alignCorners',
  };
  const out: Record<string, unknown> = { backbone };
  for (const [k, v] of Object.entries(head)) {
    const key = known[k];
    if (!key) throw new ArgumentError('segmentorConfigFromOfficial', k, `a known head field (${Object.keys(known).join(', ')})`, 'an unknown field');
    out[key] = v;
  }
  if (imgScale) out.imgScale = imgScale;
  return validateSegmentorConfig(out as SegmentorConfigInput);
}
