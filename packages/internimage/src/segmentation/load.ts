// From a segmentation weights file on disk to a segmentor: open (.pth or .safetensors), canonical names, config
// (given, recorded, or inferred from shapes plus what the checkpoint's meta says), classes and palette, strict loading.
import { resolveWeights } from '#platform';
import { openWeightsFile } from '../checkpoint.js';
import type { HubOptions } from '../hub/resolve.js';
import { shapesOf } from '../load.js';
import type { ClassTable } from './classes.js';
import { ade20k, checkClassTable, generatedPalette } from './classes.js';
import type { SegmentorConfig, SegmentorConfigInput, SegVariantName } from './config.js';
import { segVariantConfig, validateSegmentorConfig } from './config.js';
import { NotASegmentorError, inferSegmentorConfig, isSegmentorLayout } from './infer_config.js';
import { readSegmentationMeta } from './meta.js';
import type { TestMode } from './segmentor.js';
import { UperNetSegmentor } from './segmentor.js';

export interface LoadSegmentorOptions {
  /** The architecture; inferred from the tensor shapes when neither this nor `variant` is given. */
  config?: SegmentorConfigInput;
  variant?: string;
  onProgress?: (loadedBytes: number, totalBytes: number, name: string) => void;
  /** Node: cache, endpoint, token and download progress for weights named by the registry, hf:// or a URL. */
  hub?: HubOptions;
}

export interface LoadedSegmentor extends ClassTable {
  segmentor: UperNetSegmentor;
  config: SegmentorConfig;
  /** The published variant the weights match, when the config was inferred. */
  variant: SegVariantName | null;
  /** The test mode the checkpoint's config records, if any. */
  test: TestMode | null;
  notes: string[];
}

/** `weights`: a .pth/.safetensors path, a published name ('upernet_internimage_t_512_160k_ade20k'), hf://… or a URL. */
export async function loadSegmentor(weights: string, options: LoadSegmentorOptions = {}): Promise<LoadedSegmentor> {
  const resolved = await resolveWeights(weights, options.hub);
  const path = resolved.path;
  const file = await openWeightsFile(path);
  try {
    const notes = [...file.notes];
    if (resolved.source !== 'path') notes.push(`weights ${resolved.source === 'cache' ? 'found in the cache' : 'downloaded and verified'}: ${path}`);
    if (!isSegmentorLayout(file.names())) {
      throw new NotASegmentorError(`${path} holds no segmentation model (no decode_head.* tensors)${file.names().includes('head.weight') ? ': it is a classification checkpoint; use classify' : ''}`);
    }
    const meta = readSegmentationMeta(path, file);
    let config: SegmentorConfig;
    let variant: SegVariantName | null = null;
    if (options.config) config = validateSegmentorConfig(options.config);
    else if (options.variant) config = segVariantConfig(options.variant);
    else if (meta.segmentorConfig) {
      config = validateSegmentorConfig(JSON.parse(meta.segmentorConfig) as SegmentorConfigInput);
      notes.push("config read from the file's metadata (internimage_segmentor)");
    } else {
      const inferred = inferSegmentorConfig(shapesOf(file), meta);
      ({ config, variant } = inferred);
      notes.push(...inferred.notes);
    }
    const segmentor = UperNetSegmentor.fromWeights(config, file, { onProgress: options.onProgress });
    let table: ClassTable;
    if (meta.classes && meta.classes.length === config.numClasses) {
      table = { classes: meta.classes, palette: meta.palette?.length === config.numClasses ? meta.palette : generatedPalette(config.numClasses) };
    } else if (config.numClasses === 150) {
      table = ade20k();
      notes.push('class names and palette: ADE20K (the file records none)');
    } else {
      table = { classes: Array.from({ length: config.numClasses }, (_, i) => `class ${i}`), palette: generatedPalette(config.numClasses) };
      notes.push(`the file records no class names for its ${config.numClasses} classes: numbered`);
    }
    return { segmentor, config, variant, test: meta.test, notes, ...checkClassTable('loadSegmentor', table, config.numClasses) };
  } finally {
    file.close();
  }
}
