// One call from weights (a file, a URL, a Blob or bytes) to a model: open (.pth or .safetensors), canonical names,
// config (given or inferred from shapes), strict loading with progress.
import type { BytesInput, FetchOptions } from '@internimage/core';
import { baseName } from '#platform';
import type { InternImageConfig } from './config.js';
import { validateConfig, variantConfig } from './config.js';
import type { WeightsFile } from './checkpoint.js';
import { openWeightsFile } from './checkpoint.js';
import { inferConfig } from './infer_config.js';
import type { VariantName } from './config.js';
import { InternImage } from './model.js';

export interface LoadModelOptions {
  /** The architecture; inferred from the tensor shapes when neither this nor `variant` is given. */
  config?: Partial<InternImageConfig>;
  variant?: string;
  /** Use the EMA weights of a training checkpoint. */
  ema?: boolean;
  backbone?: boolean;
  strict?: boolean;
  /** Called as tensors are read: bytes (float32) loaded so far and in total. */
  onProgress?: (loadedBytes: number, totalBytes: number, name: string) => void;
  /** Called as a URL downloads: bytes so far and in total (0 when the server does not say). */
  onDownload?: FetchOptions['onProgress'];
  /** Cache API cache for downloads in a page (default 'internimage'); false to store nothing. */
  cache?: FetchOptions['cache'];
  /** The file name, for the image size its name may carry, when `weights` is a Blob or bytes. */
  name?: string;
}

export interface LoadedModel {
  model: InternImage;
  config: InternImageConfig;
  /** The published variant the weights match, when the config was inferred. */
  variant: VariantName | null;
  /** Everything assumed or renamed along the way. */
  notes: string[];
}

/** The evaluation size encoded in published checkpoint names: internimage_t_1k_224.pth → 224. */
export function imageSizeFromName(path: string): number | null {
  const m = /_(\d{2,4})\.[A-Za-z]+$/.exec(baseName(path));
  return m ? Number(m[1]) : null;
}

/** Reads the shapes of a weights file's canonical tensors. */
export function shapesOf(file: WeightsFile): Map<string, readonly number[]> {
  return new Map(file.names().map((n) => [n, file.shapeOf(n)]));
}

/** The name of weights given as a location, URL or File (bytes and plain Blobs have none). */
function nameOf(weights: BytesInput): string | undefined {
  if (typeof weights === 'string') return weights;
  if (weights instanceof URL) return weights.pathname;
  return (weights as { name?: unknown }).name as string | undefined;
}

export async function loadModel(weights: BytesInput, options: LoadModelOptions = {}): Promise<LoadedModel> {
  const file = await openWeightsFile(weights, { ema: options.ema, onProgress: options.onDownload, cache: options.cache });
  const path = options.name ?? nameOf(weights);
  try {
    const notes = [...file.notes];
    let config: InternImageConfig;
    let variant: VariantName | null = null;
    const recorded = file.metadata.internimage_config;
    if (options.config) config = validateConfig(options.config);
    else if (options.variant) config = variantConfig(options.variant);
    else if (recorded !== undefined) {
      config = validateConfig(JSON.parse(recorded) as Partial<InternImageConfig>);
      notes.push("config read from the file's metadata (internimage_config)");
    } else {
      const inferred = inferConfig(shapesOf(file));
      config = inferred.config;
      variant = inferred.variant;
      notes.push(...inferred.notes);
      const size = path === undefined ? null : imageSizeFromName(path);
      if (size !== null && size !== config.imgSize) {
        config = { ...config, imgSize: size };
        notes.push(`image size ${size} taken from the file name`);
      } else if (size === null && !variant) {
        notes.push(`image size ${config.imgSize} assumed (the file name does not end in _<size>)`);
      }
    }
    const model = InternImage.fromWeights(config, file, { backbone: options.backbone, strict: options.strict, onProgress: options.onProgress });
    return { model, config, variant, notes };
  } finally {
    file.close();
  }
}
