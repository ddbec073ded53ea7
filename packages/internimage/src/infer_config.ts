// Reads an InternImage config off the shapes of a state_dict (canonical names). Structure (channels, depths, groups,
// kernels, norms, heads) is visible in shapes; a few fields are not (offset_scale, the layer-scale value, the
// attention head count, the image size): those come from the published variant the structure matches, or from
// defaults that the notes name.
import type { InternImageConfig, VariantName } from './config.js';
import { VARIANTS, validateConfig } from './config.js';

export interface InferredConfig {
  config: InternImageConfig;
  /** The published variant whose structure this is, or null. */
  variant: VariantName | null;
  /** What could not be read from shapes and was assumed. */
  notes: string[];
}

export class UnknownLayoutError extends Error {
  constructor(message: string) {
    super(`not an InternImage state_dict: ${message}`);
    this.name = 'UnknownLayoutError';
  }
}

const STRUCTURAL: ReadonlyArray<keyof InternImageConfig> = [
  'channels', 'depths', 'groups', 'mlpRatio', 'postNorm', 'resPostNorm', 'dwKernelSize', 'level2PostNorm',
  'centerFeatureScale', 'removeCenter', 'useClipProjector', 'clsScale',
];

export function inferConfig(shapes: ReadonlyMap<string, readonly number[]>): InferredConfig {
  const shape = (name: string) => shapes.get(name);
  const need = (name: string) => shape(name) ?? (() => { throw new UnknownLayoutError(`no '${name}'`); })();
  const notes: string[] = [];
  const channels = need('patch_embed.conv2.weight')[0]!;
  const depths = [0, 1, 2, 3].map((i) => {
    let b = 0;
    while (shapes.has(`levels.${i}.blocks.${b}.norm1.0.weight`)) b++;
    return b;
  }) as [number, number, number, number];
  if (depths[0] === 0) throw new UnknownLayoutError("no blocks under 'levels.0.blocks.'");
  const first = (i: number) => `levels.${i}.blocks.0.dcn.`;
  const cfs = shapes.has(`${first(0)}center_feature_scale_proj_weight`);
  let points = 9;
  const groups = [0, 1, 2, 3].map((i) => {
    if (depths[i] === 0) return 1;
    const maskRows = need(`${first(i)}mask.weight`)[0]!;
    if (cfs) {
      const g = need(`${first(i)}center_feature_scale_proj_weight`)[0]!;
      points = maskRows / g;
      return g;
    }
    points = maskRows % 9 === 0 ? 9 : 8;
    return maskRows / points;
  }) as [number, number, number, number];
  if (points !== 9 && points !== 8) throw new UnknownLayoutError(`${points} sampling points per group (expected 9, or 8 without the centre)`);
  const levelNorm = shapes.has('levels.0.norm.0.weight');
  const resPostNorm = shapes.has('levels.0.blocks.0.res_post_norm1.0.weight');
  const layerScale = shapes.has('levels.0.blocks.0.gamma1');
  const postNorm = !levelNorm || (cfs && !resPostNorm);
  let k = 0;
  while (shapes.has(`levels.2.post_norms.${k}.0.weight`)) k++;
  const useClipProjector = shapes.has('dcnv3_head_x4.0.weight');
  const F = channels * 8;
  const partial: Partial<InternImageConfig> = {
    channels, depths, groups, postNorm, resPostNorm, centerFeatureScale: cfs, removeCenter: points === 8,
    mlpRatio: need('levels.0.blocks.0.mlp.fc1.weight')[0]! / channels,
    dwKernelSize: need(`${first(0)}dw_conv.0.weight`)[2]!,
    layerScale: layerScale ? 1e-5 : null, level2PostNorm: k > 0, useClipProjector,
    numClasses: shape('head.weight')?.[0] ?? 0,
  };
  if (useClipProjector) {
    partial.pretrainEmbedDim = need('dcnv3_head_x3.weight')[0]!;
    partial.clipEmbedDim = need('clip_projector.cross_dcn.proj.weight')[0]!;
  } else if (shapes.has('conv_head.0.weight')) {
    partial.clsScale = need('conv_head.0.weight')[0]! / F;
  }
  const variant = (Object.keys(VARIANTS) as VariantName[]).find((v) => {
    const known = VARIANTS[v];
    return STRUCTURAL.every((f) => JSON.stringify(known[f]) === JSON.stringify(partial[f] ?? known[f])) &&
      (known.layerScale !== null) === layerScale && known.level2PostNormBlockIds.length === k &&
      (!useClipProjector || known.pretrainEmbedDim === partial.pretrainEmbedDim);
  }) ?? null;
  if (variant) {
    const known = VARIANTS[variant];
    return {
      config: validateConfig({ ...known, numClasses: partial.numClasses!, clipEmbedDim: partial.clipEmbedDim ?? known.clipEmbedDim }),
      variant,
      notes: [],
    };
  }
  notes.push('matches no published variant (T, S, B, L, XL, H, G); fields that shapes cannot show were assumed:');
  notes.push('offset_scale 1.0 (the published L and XL use 2.0)');
  if (layerScale) notes.push('layer_scale 1e-5 (its value only matters for fresh weights)');
  if (k > 0) {
    // The published H and G put one after every 6th block; where that does not fit, spread them evenly.
    const every6 = Array.from({ length: k }, (_, j) => 5 + 6 * j);
    partial.level2PostNormBlockIds = every6[k - 1]! < depths[2]
      ? every6
      : Array.from({ length: k }, (_, j) => Math.round(((j + 1) * depths[2]) / k) - 1);
    notes.push(`stage-2 post norms after blocks ${partial.level2PostNormBlockIds.join(', ')} (which blocks cannot be read from shapes)`);
  }
  if (useClipProjector) {
    partial.attnpoolNumHeads = partial.pretrainEmbedDim! % 16 === 0 ? 16 : 1;
    notes.push(`${partial.attnpoolNumHeads} attention-pooling heads (the published value is 16)`);
  }
  if (cfs && !resPostNorm) notes.push('post_norm true (centre feature scale without res_post_norm, as the published G)');
  return { config: validateConfig(partial), variant: null, notes };
}
