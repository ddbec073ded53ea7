// Reads a segmentor config off the shapes of a state_dict (canonical names: backbone unprefixed, heads under
// decode_head. / auxiliary_head.). The backbone structure comes from the classification inference; what shapes cannot
// show (offset_scale, img_scale, the pooling scales) comes from the published variant the structure matches.
import type { InternImageConfig } from '../config.js';
import { inferConfig } from '../infer_config.js';
import { stageChannels } from '../config.js';
import type { SegmentorConfig, SegVariantName } from './config.js';
import { SEG_VARIANTS, validateSegmentorConfig } from './config.js';
import { AUX_HEAD, DECODE_HEAD } from './params.js';

export interface InferredSegmentorConfig {
  config: SegmentorConfig;
  variant: SegVariantName | null;
  notes: string[];
}

/** The weights are not those of a UperNet segmentor (a classification checkpoint, or a head that does not fit). */
export class NotASegmentorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotASegmentorError';
  }
}

const STRUCTURE: ReadonlyArray<keyof InternImageConfig> = [
  'channels', 'depths', 'groups', 'mlpRatio', 'postNorm', 'resPostNorm', 'dwKernelSize', 'level2PostNorm',
  'centerFeatureScale', 'removeCenter',
];

const sameStructure = (a: InternImageConfig, b: InternImageConfig) =>
  STRUCTURE.every((f) => JSON.stringify(a[f]) === JSON.stringify(b[f])) &&
  (a.layerScale === null) === (b.layerScale === null) &&
  a.level2PostNormBlockIds.length === b.level2PostNormBlockIds.length;

/** True when the names include a UperNet decode head. */
export const isSegmentorLayout = (names: Iterable<string>): boolean => [...names].some((n) => n.startsWith(DECODE_HEAD));

/** What a checkpoint's recorded config says beyond its shapes (mmseg meta): used where no published variant matches. */
export interface LayoutHints {
  offsetScale?: number | null;
  imgScale?: [number, number] | null;
}

export function inferSegmentorConfig(shapes: ReadonlyMap<string, readonly number[]>, hints: LayoutHints = {}): InferredSegmentorConfig {
  const seg = shapes.get(`${DECODE_HEAD}conv_seg.weight`);
  if (!seg) {
    const what = shapes.has('head.weight') || shapes.has('conv_head.0.weight') ? 'a classification checkpoint (it has a classifier head)' : 'no decode_head.conv_seg.weight';
    throw new NotASegmentorError(`not a UperNet segmentation state_dict: ${what}`);
  }
  const notes: string[] = [];
  const inferred = inferConfig(new Map([...shapes].filter(([n]) => !n.startsWith(DECODE_HEAD) && !n.startsWith(AUX_HEAD))));
  const backbone = { ...inferred.config, numClasses: 0, useClipProjector: false, layerScale: inferred.config.layerScale === null ? null : 1 };
  let pools = 0;
  while (shapes.has(`${DECODE_HEAD}psp_modules.${pools}.1.conv.weight`)) pools++;
  const channels = seg[1]!;
  const numClasses = seg[0]!;
  const aux = shapes.get(`${AUX_HEAD}conv_seg.weight`);
  for (let i = 0; i < 3; i++) {
    const lateral = shapes.get(`${DECODE_HEAD}lateral_convs.${i}.conv.weight`);
    if (lateral && lateral[1] !== stageChannels(backbone, i)) {
      throw new NotASegmentorError(`the decode head does not fit the backbone: lateral_convs.${i} takes ${lateral[1]} channels, stage ${i} has ${stageChannels(backbone, i)}`);
    }
  }
  const variant = (Object.keys(SEG_VARIANTS) as SegVariantName[]).find((v) => sameStructure(SEG_VARIANTS[v].backbone, backbone)) ?? null;
  const known = variant ? SEG_VARIANTS[variant] : null;
  let poolScales = known?.poolScales ?? [1, 2, 3, 6];
  if (pools !== poolScales.length) {
    poolScales = Array.from({ length: pools }, (_, k) => k + 1);
    notes.push(`${pools} pooling branches: scales ${poolScales.join(', ')} assumed (the published heads use 1, 2, 3, 6)`);
  }
  if (!known) {
    const assumed = [
      hints.offsetScale == null ? 'offset_scale 1.0' : '',
      hints.imgScale == null ? 'img_scale (2048, 512)' : '',
    ].filter(Boolean);
    notes.push(`the backbone matches no published UperNet variant (T, S, B, L, XL, H)${assumed.length ? `; assumed: ${assumed.join(', ')}` : ''}`);
    if (hints.offsetScale != null) backbone.offsetScale = hints.offsetScale;
  } else if (channels !== known.channels || numClasses !== known.numClasses) {
    notes.push(`InternImage-${variant!.toUpperCase()} backbone with a head of ${channels} channels and ${numClasses} classes (the published one: ${known.channels}, ${known.numClasses})`);
  }
  const config = validateSegmentorConfig({
    backbone: known ? known.backbone : backbone,
    channels, numClasses, poolScales, alignCorners: false, auxChannels: aux ? aux[1]! : null,
    imgScale: hints.imgScale ?? known?.imgScale ?? [2048, 512],
  });
  return { config, variant, notes };
}
