// Every checkpoint the InternImage authors publish on the Hugging Face Hub (model repository OpenGVLab/InternImage,
// listed in the "Released Models" tables of the official README), and the parsing of a `weights` argument.
// No Node imports: the browser build uses this module too.

export type CheckpointTask = 'classification' | 'segmentation';
/** The classes a checkpoint's head predicts. */
export type LabelSet = 'imagenet-1k' | 'imagenet-22k' | 'ade20k';

export interface PublishedCheckpoint {
  /** The file name without its extension, e.g. 'internimage_t_1k_224'. */
  name: string;
  repo: string;
  file: string;
  task: CheckpointTask;
  variant: 't' | 's' | 'b' | 'l' | 'xl' | 'h' | 'g';
  /** The evaluation input side length (segmentation: the training crop). */
  inputSize: number;
  labelSet: LabelSet;
  numClasses: number;
  pretrain: string;
  /** The transformers port on the Hub whose config.json may carry `id2label` (for label sets not bundled). */
  labelsRepo?: string;
}

export const HUB_REPO = 'OpenGVLab/InternImage';
export const DEFAULT_REVISION = 'main';

const classification = (variant: PublishedCheckpoint['variant'], name: string, inputSize: number, pretrain: string, labelsRepo?: string): PublishedCheckpoint => {
  const in22k = labelsRepo !== undefined;
  return {
    name, repo: HUB_REPO, file: `${name}.pth`, task: 'classification', variant, inputSize,
    labelSet: in22k ? 'imagenet-22k' : 'imagenet-1k', numClasses: in22k ? 21841 : 1000, pretrain, ...(labelsRepo ? { labelsRepo } : {}),
  };
};
const upernet = (variant: PublishedCheckpoint['variant'], crop: number): PublishedCheckpoint => {
  const name = `upernet_internimage_${variant}_${crop}_160k_ade20k`;
  return { name, repo: HUB_REPO, file: `${name}.pth`, task: 'segmentation', variant, inputSize: crop, labelSet: 'ade20k', numClasses: 150, pretrain: 'UperNet, ADE20K 160k iterations' };
};

export const CHECKPOINTS: readonly PublishedCheckpoint[] = [
  classification('t', 'internimage_t_1k_224', 224, 'ImageNet-1k'),
  classification('s', 'internimage_s_1k_224', 224, 'ImageNet-1k'),
  classification('b', 'internimage_b_1k_224', 224, 'ImageNet-1k'),
  classification('l', 'internimage_l_22kto1k_384', 384, 'ImageNet-22k, fine-tuned on ImageNet-1k'),
  classification('xl', 'internimage_xl_22kto1k_384', 384, 'ImageNet-22k, fine-tuned on ImageNet-1k'),
  classification('h', 'internimage_h_22kto1k_640', 640, 'joint 427M → ImageNet-22k, fine-tuned on ImageNet-1k'),
  classification('g', 'internimage_g_22kto1k_512', 512, 'joint 427M → ImageNet-22k, fine-tuned on ImageNet-1k'),
  classification('l', 'internimage_l_22k_192to384', 384, 'ImageNet-22k (pre-training)', 'OpenGVLab/internimage_l_22k_384'),
  classification('xl', 'internimage_xl_22k_192to384', 384, 'ImageNet-22k (pre-training)', 'OpenGVLab/internimage_xl_22k_384'),
  classification('h', 'internimage_h_jointto22k_384', 384, 'joint 427M → ImageNet-22k (pre-training)', 'OpenGVLab/internimage_h_jointto22k_384'),
  classification('g', 'internimage_g_pretrainto22k_384', 384, 'joint 427M → ImageNet-22k (pre-training)', 'OpenGVLab/internimage_g_jointto22k_384'),
  upernet('t', 512),
  upernet('s', 512),
  upernet('b', 512),
  upernet('l', 640),
  upernet('xl', 640),
  upernet('h', 896),
];

/** A `weights` argument, classified: a registry name, a file in a Hub repository, a URL, or a local path. */
export type WeightsSpec =
  | { kind: 'published'; checkpoint: PublishedCheckpoint }
  | { kind: 'hub'; repo: string; file: string; revision: string }
  | { kind: 'url'; url: string }
  | { kind: 'path'; path: string };

export class UnknownCheckpointError extends Error {
  constructor(readonly requested: string, readonly suggestions: readonly string[]) {
    super(`unknown checkpoint '${requested}': ${suggestions.length ? `did you mean ${suggestions.map((s) => `'${s}'`).join(', ')}? ` : ''}` +
      `known names: ${CHECKPOINTS.map((c) => c.name).join(', ')} (or pass a file path, a URL, or hf://<owner>/<repo>/<file>)`);
    this.name = 'UnknownCheckpointError';
  }
}

/** The published checkpoint called `name` (with or without the .pth extension), or null. */
export function findCheckpoint(name: string): PublishedCheckpoint | null {
  const bare = name.replace(/\.pth$/, '');
  return CHECKPOINTS.find((c) => c.name === bare) ?? null;
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/** Up to three registry names closest to `name` (within a third of its length in edits). */
export function closestCheckpoints(name: string): string[] {
  const limit = Math.max(2, Math.ceil(name.length / 3));
  return CHECKPOINTS.map((c) => ({ name: c.name, d: editDistance(name, c.name) }))
    .filter((c) => c.d <= limit)
    .sort((p, q) => p.d - q.d)
    .slice(0, 3)
    .map((c) => c.name);
}

const looksLikeName = (s: string) => /^[a-z0-9_]+$/.test(s) && s.includes('_');

/**
 * Classifies a `weights` argument. A bare identifier that is not a published name (no slash, no extension) is an
 * error that lists the known names, rather than a path that does not exist.
 */
export function parseWeightsSpec(spec: string, pathExists?: (path: string) => boolean): WeightsSpec {
  if (spec.startsWith('hf://')) {
    const m = /^hf:\/\/([^/@]+\/[^/@]+)(?:@([^/]+))?\/(.+)$/.exec(spec);
    if (!m) throw new Error(`'${spec}' is not a Hub reference: expected hf://<owner>/<repo>/<file> or hf://<owner>/<repo>@<revision>/<file>`);
    return { kind: 'hub', repo: m[1]!, revision: m[2] ?? DEFAULT_REVISION, file: m[3]! };
  }
  if (/^https?:\/\//.test(spec)) return hubFileOfUrl(spec) ?? { kind: 'url', url: spec };
  const checkpoint = findCheckpoint(spec);
  if (checkpoint && !pathExists?.(spec)) return { kind: 'published', checkpoint };
  if (looksLikeName(spec) && !pathExists?.(spec)) throw new UnknownCheckpointError(spec, closestCheckpoints(spec));
  return { kind: 'path', path: spec };
}

/** `https://<host>/<owner>/<repo>/resolve/<revision>/<file>` as a Hub file (models only), else null. */
export function hubFileOfUrl(url: string): WeightsSpec | null {
  const m = /^https?:\/\/[^/]+\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/([^?#]+)$/.exec(url);
  if (!m || m[1]!.startsWith('datasets/') || m[1]!.startsWith('spaces/')) return null;
  return { kind: 'hub', repo: m[1]!, revision: decodeURIComponent(m[2]!), file: decodeURIComponent(m[3]!) };
}

/** The `resolve` URL of a file in a Hub model repository. */
export function resolveUrl(endpoint: string, repo: string, revision: string, file: string): string {
  const path = file.split('/').map(encodeURIComponent).join('/');
  return `${endpoint.replace(/\/+$/, '')}/${repo}/resolve/${encodeURIComponent(revision)}/${path}`;
}
