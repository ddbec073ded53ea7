// InternImage architecture configs (docs/internimage.md#variants) and their conversion from the official field names.
import { ArgumentError } from '@internimage/core';

export interface InternImageConfig {
  /** Channels of stage 0; stage i has channels·2^i. */
  channels: number;
  depths: [number, number, number, number];
  groups: [number, number, number, number];
  /** Classes of the linear head; 0 builds a backbone without any head. */
  numClasses: number;
  mlpRatio: number;
  offsetScale: number;
  /** gamma1/gamma2 per-channel scales when set (S/B/L/XL: 1e-5). */
  layerScale: number | null;
  postNorm: boolean;
  resPostNorm: boolean;
  /** Depthwise kernel of the DCNv3 offset branch (3, or 5 for H/G). */
  dwKernelSize: number;
  level2PostNorm: boolean;
  level2PostNormBlockIds: number[];
  centerFeatureScale: boolean;
  removeCenter: boolean;
  /** H/G attention-pooling head instead of conv_head. */
  useClipProjector: boolean;
  clsScale: number;
  pretrainEmbedDim: number;
  attnpoolNumHeads: number;
  clipEmbedDim: number;
  /** Evaluation resolution of the published classifier. */
  imgSize: number;
}

export type VariantName = 't' | 's' | 'b' | 'l' | 'xl' | 'h' | 'g';

const BASE: Omit<InternImageConfig, 'channels' | 'depths' | 'groups'> = {
  numClasses: 1000, mlpRatio: 4, offsetScale: 1, layerScale: null, postNorm: false, resPostNorm: false,
  dwKernelSize: 3, level2PostNorm: false, level2PostNormBlockIds: [], centerFeatureScale: false, removeCenter: false,
  useClipProjector: false, clsScale: 1.5, pretrainEmbedDim: 1024, attnpoolNumHeads: 16, clipEmbedDim: 768, imgSize: 224,
};

const POST_NORM_LS = { layerScale: 1e-5, postNorm: true };
const CLIP_HEAD = { dwKernelSize: 5, level2PostNorm: true, centerFeatureScale: true, useClipProjector: true };

export const VARIANTS: Readonly<Record<VariantName, InternImageConfig>> = {
  t: { ...BASE, channels: 64, depths: [4, 4, 18, 4], groups: [4, 8, 16, 32] },
  s: { ...BASE, ...POST_NORM_LS, channels: 80, depths: [4, 4, 21, 4], groups: [5, 10, 20, 40] },
  b: { ...BASE, ...POST_NORM_LS, channels: 112, depths: [4, 4, 21, 4], groups: [7, 14, 28, 56] },
  l: { ...BASE, ...POST_NORM_LS, channels: 160, depths: [5, 5, 22, 5], groups: [10, 20, 40, 80], offsetScale: 2, imgSize: 384 },
  xl: { ...BASE, ...POST_NORM_LS, channels: 192, depths: [5, 5, 24, 5], groups: [12, 24, 48, 96], offsetScale: 2, imgSize: 384 },
  h: {
    ...BASE, ...CLIP_HEAD, channels: 320, depths: [6, 6, 32, 6], groups: [10, 20, 40, 80], resPostNorm: true,
    level2PostNormBlockIds: [5, 11, 17, 23, 29], imgSize: 640,
  },
  g: {
    ...BASE, ...CLIP_HEAD, channels: 512, depths: [2, 2, 48, 4], groups: [16, 32, 64, 128], postNorm: true,
    level2PostNormBlockIds: [5, 11, 17, 23, 29, 35, 41, 47], imgSize: 512,
  },
};

export function variantConfig(name: string): InternImageConfig {
  const key = name.toLowerCase() as VariantName;
  if (!(key in VARIANTS)) {
    throw new ArgumentError('variantConfig', 'name', `one of ${Object.keys(VARIANTS).join(', ')}`, JSON.stringify(name));
  }
  return structuredClone(VARIANTS[key]);
}

/** Official (snake_case, as in the fixtures' manifest and the yaml configs) → config; unknown keys are errors. */
const OFFICIAL_KEYS: Record<string, keyof InternImageConfig> = {
  channels: 'channels', depths: 'depths', groups: 'groups', num_classes: 'numClasses', mlp_ratio: 'mlpRatio',
  offset_scale: 'offsetScale', layer_scale: 'layerScale', post_norm: 'postNorm', res_post_norm: 'resPostNorm',
  dw_kernel_size: 'dwKernelSize', level2_post_norm: 'level2PostNorm',
  level2_post_norm_block_ids: 'level2PostNormBlockIds', center_feature_scale: 'centerFeatureScale',
  remove_center: 'removeCenter', use_clip_projector: 'useClipProjector', cls_scale: 'clsScale',
  pretrain_embed_dim: 'pretrainEmbedDim', attnpool_num_heads: 'attnpoolNumHeads', clip_embed_dim: 'clipEmbedDim',
  img_size: 'imgSize',
};

export function configFromOfficial(official: Record<string, unknown>): InternImageConfig {
  const out: Record<string, unknown> = { ...BASE };
  for (const [k, v] of Object.entries(official)) {
    const key = OFFICIAL_KEYS[k];
    if (!key) throw new ArgumentError('configFromOfficial', k, `a known InternImage config field (${Object.keys(OFFICIAL_KEYS).join(', ')})`, 'an unknown field');
    // The official code treats dw_kernel_size None as the DCN kernel size, 3.
    out[key] = key === 'dwKernelSize' && v === null ? 3 : v;
  }
  return validateConfig(out as Partial<InternImageConfig>);
}

/** Fills defaults (from variant T's flags) and checks every field. */
export function validateConfig(partial: Partial<InternImageConfig>): InternImageConfig {
  const c = { ...BASE, ...partial } as InternImageConfig;
  const op = 'InternImageConfig';
  const int = (name: string, v: unknown, min: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new ArgumentError(op, name, `an integer >= ${min}`, String(v));
  };
  int('channels', c.channels, 1);
  for (const name of ['depths', 'groups'] as const) {
    const arr = c[name];
    if (!Array.isArray(arr) || arr.length !== 4) throw new ArgumentError(op, name, 'an array of 4 integers', JSON.stringify(arr));
    arr.forEach((v, i) => int(`${name}[${i}]`, v, name === 'depths' ? 0 : 1));
  }
  c.groups.forEach((g, i) => {
    if ((c.channels * 2 ** i) % g !== 0) {
      throw new ArgumentError(op, `groups[${i}]`, `a divisor of stage ${i}'s ${c.channels * 2 ** i} channels`, String(g));
    }
  });
  int('numClasses', c.numClasses, 0);
  int('dwKernelSize', c.dwKernelSize, 1);
  if (c.dwKernelSize % 2 === 0) throw new ArgumentError(op, 'dwKernelSize', 'odd', String(c.dwKernelSize));
  for (const name of ['imgSize', 'pretrainEmbedDim', 'attnpoolNumHeads', 'clipEmbedDim'] as const) int(name, c[name], 1);
  if (c.useClipProjector && c.pretrainEmbedDim % c.attnpoolNumHeads !== 0) {
    throw new ArgumentError(op, 'attnpoolNumHeads', `a divisor of pretrainEmbedDim (${c.pretrainEmbedDim})`, String(c.attnpoolNumHeads));
  }
  for (const name of ['mlpRatio', 'offsetScale', 'clsScale'] as const) {
    if (typeof c[name] !== 'number' || !Number.isFinite(c[name]) || c[name] <= 0) throw new ArgumentError(op, name, 'a positive number', String(c[name]));
  }
  if (c.layerScale !== null && (typeof c.layerScale !== 'number' || !Number.isFinite(c.layerScale))) {
    throw new ArgumentError(op, 'layerScale', 'null or a finite number', String(c.layerScale));
  }
  for (const name of ['postNorm', 'resPostNorm', 'level2PostNorm', 'centerFeatureScale', 'removeCenter', 'useClipProjector'] as const) {
    if (typeof c[name] !== 'boolean') throw new ArgumentError(op, name, 'a boolean', String(c[name]));
  }
  if (!Array.isArray(c.level2PostNormBlockIds)) throw new ArgumentError(op, 'level2PostNormBlockIds', 'an array of block indices', String(c.level2PostNormBlockIds));
  c.level2PostNormBlockIds.forEach((b, i) => int(`level2PostNormBlockIds[${i}]`, b, 0));
  c.level2PostNormBlockIds.forEach((b, i) => {
    if (c.level2PostNorm && b >= c.depths[2]) {
      throw new ArgumentError(op, `level2PostNormBlockIds[${i}]`, `a block index below depths[2] = ${c.depths[2]}`, String(b));
    }
  });
  return structuredClone(c);
}

/** Channels of stage i. */
export const stageChannels = (c: InternImageConfig, i: number): number => c.channels * 2 ** i;
/** Sampling points per DCN group. */
export const dcnPoints = (c: InternImageConfig): number => 9 - (c.removeCenter ? 1 : 0);
/** Whether stage i ends with its own LayerNorm (`levels.i.norm`). */
export const hasLevelNorm = (c: InternImageConfig): boolean => !c.postNorm || c.centerFeatureScale;
