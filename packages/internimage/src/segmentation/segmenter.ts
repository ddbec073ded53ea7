// The user-facing segmentation pipeline: create once, segment images (any size), dispose. Each image goes through
// the official test pipeline, the segmentor (whole or sliding window), the resizes back to its own size and argmax.
import type { Tensor } from '@internimage/core';
import { ArgumentError, getBackend, max, softmax, tensor, tidy } from '@internimage/core';
import { DEFAULT_BACKEND, useBackend } from '../backends.js';
import type { ImageInput } from '../classifier.js';
import { toImage8 } from '../image/input.js';
import { checkImgScale, segInputSize, segPreprocess } from '../preprocess/seg_transform.js';
import type { ClassTable, RGB } from './classes.js';
import { ade20k, checkClassTable, generatedPalette } from './classes.js';
import type { SegmentorConfig, SegmentorConfigInput } from './config.js';
import { segVariantConfig, validateSegmentorConfig } from './config.js';
import { loadSegmentor } from './load.js';
import type { TestMode } from './segmentor.js';
import { UperNetSegmentor, checkTestMode } from './segmentor.js';

export interface SegmenterOptions {
  /** A published variant ('t', 's', 'b', 'l', 'xl', 'h'); default 't' when neither weights nor config say otherwise. */
  variant?: string;
  config?: SegmentorConfigInput;
  /** A published name (upernet_internimage_t_512_160k_ade20k), hf://…, a URL, an mmseg .pth or a .safetensors; without it the weights are random (seeded) and maps meaningless. */
  weights?: string;
  /** Backend to run on (activated for you); default: the active one, or 'wasm'. */
  backend?: string;
  /** 'whole' (the published configs) or 'slide' (needs cropSize and stride); default: what the checkpoint records, else whole. */
  mode?: 'whole' | 'slide';
  cropSize?: [number, number];
  stride?: [number, number];
  /** mmseg's img_scale [long, short]; default the config's (T/S/B 2048×512, L/XL 2560×640, H 3584×896). */
  imgScale?: [number, number];
  /** Class names and colours; default the checkpoint's, else ADE20K's for 150 classes. */
  classes?: string[];
  palette?: RGB[];
  /** Also return each pixel's softmax probability of its class. */
  scores?: boolean;
  seed?: number;
  /** Threads for the wasm backend's kernels. */
  threads?: number;
  onProgress?: (loadedBytes: number, totalBytes: number, name: string) => void;
}

export interface Segmentation {
  /** Class index per pixel, row-major `[height · width]` (Uint8Array up to 256 classes). */
  classMap: Uint8Array | Int32Array;
  width: number;
  height: number;
  classes: readonly string[];
  palette: readonly RGB[];
  /** Softmax probability of the chosen class per pixel, when asked for. */
  scores?: Float32Array;
  /** Size of the network input the image was resized to (width, height). */
  inputSize: [number, number];
}

export interface Segmenter {
  readonly config: SegmentorConfig;
  readonly classes: readonly string[];
  readonly palette: readonly RGB[];
  readonly imgScale: [number, number];
  readonly test: TestMode;
  /** 'random (seed N)' or the weights file. */
  readonly weights: string;
  readonly backend: string;
  readonly notes: readonly string[];
  readonly segmentor: UperNetSegmentor;
  segment(image: ImageInput): Promise<Segmentation>;
  segment(images: ImageInput[]): Promise<Segmentation[]>;
  dispose(): void;
}

/** Raised when an image needs more memory than the chosen backend can give one tensor. */
export class ImageTooLargeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageTooLargeError';
  }
}

/** The most bytes one tensor may take: the wasm backend's whole heap is 4 GiB and several such tensors are alive at once. */
const MAX_TENSOR_BYTES: Record<string, number> = { wasm: 2 ** 30 };
const DEFAULT_MAX_TENSOR_BYTES = 2 ** 31;

function resolveTest(options: SegmenterOptions, recorded: TestMode | null): TestMode {
  if (options.mode === undefined && options.cropSize === undefined && options.stride === undefined) return recorded ?? { mode: 'whole' };
  const mode = options.mode ?? (options.cropSize ? 'slide' : 'whole');
  if (mode === 'whole' && (options.cropSize || options.stride)) {
    throw new ArgumentError('createSegmenter', 'mode', "'slide' when cropSize or stride is given", "'whole'");
  }
  return checkTestMode('createSegmenter', mode === 'slide' ? { mode, cropSize: options.cropSize!, stride: options.stride! } : { mode });
}

export async function createSegmenter(options: SegmenterOptions = {}): Promise<Segmenter> {
  const backend = options.backend ?? getBackend() ?? DEFAULT_BACKEND;
  await useBackend(backend);
  if (options.threads !== undefined) {
    if (backend !== 'wasm') throw new ArgumentError('createSegmenter', 'threads', "1 unless the backend is 'wasm'", String(options.threads));
    await (await import('@internimage/backend-wasm')).setThreads(options.threads);
  }
  let segmentor: UperNetSegmentor;
  let table: ClassTable | null = null;
  let notes: string[] = [];
  let recorded: TestMode | null = null;
  const seed = options.seed ?? 0;
  if (options.weights) {
    const loaded = await loadSegmentor(options.weights, { config: options.config, variant: options.variant, onProgress: options.onProgress });
    ({ segmentor, notes } = loaded);
    table = { classes: loaded.classes, palette: loaded.palette };
    recorded = loaded.test;
  } else {
    const config = options.config ? validateSegmentorConfig(options.config) : segVariantConfig(options.variant ?? 't');
    segmentor = UperNetSegmentor.random(config, { seed });
  }
  const { config } = segmentor;
  try {
    const fallback = config.numClasses === 150 ? ade20k() : null;
    const classes = options.classes ?? table?.classes ?? fallback?.classes ?? Array.from({ length: config.numClasses }, (_, i) => `class ${i}`);
    const palette = options.palette ?? table?.palette ?? fallback?.palette ?? generatedPalette(config.numClasses);
    checkClassTable('createSegmenter', { classes, palette }, config.numClasses);
    const imgScale = options.imgScale ?? config.imgScale;
    checkImgScale('createSegmenter', imgScale);
    const test = resolveTest(options, recorded);
    const maxBytes = MAX_TENSOR_BYTES[backend] ?? DEFAULT_MAX_TENSOR_BYTES;

    const segmentOne = async (input: ImageInput, index: number): Promise<Segmentation> => {
      const img = await toImage8(input, index);
      const [w, h] = segInputSize(img.width, img.height, imgScale);
      const largest = 4 * config.numClasses * Math.max(w * h, img.width * img.height);
      if (largest > maxBytes) {
        throw new ImageTooLargeError(`segment: image ${index} (${img.width}×${img.height}, network input ${w}×${h}) is too large for the '${backend}' backend: ` +
          `its ${config.numClasses}-class logits need ${(largest / 2 ** 30).toFixed(1)} GiB, the backend allows ${(maxBytes / 2 ** 30).toFixed(0)} GiB per tensor; lower imgScale`);
      }
      const pre = segPreprocess(img, imgScale);
      const x = tensor(pre.data, [1, 3, pre.height, pre.width]);
      let logits: Tensor;
      try {
        logits = await segmentor.logits(x, [img.height, img.width], test);
      } catch (e) {
        if (e instanceof RangeError) {
          throw new ImageTooLargeError(`segment: image ${index} (${img.width}×${img.height}, network input ${w}×${h}) is too large for the '${backend}' backend (${e.message}); lower imgScale`);
        }
        throw e;
      } finally {
        x.dispose();
      }
      try {
        const map = await segmentor.classMap(logits);
        const result: Segmentation = {
          classMap: config.numClasses <= 256 ? Uint8Array.from(map) : map,
          width: img.width, height: img.height, classes, palette, inputSize: [pre.width, pre.height],
        };
        if (options.scores) {
          const best = tidy(() => max(softmax(logits, -1), { axis: -1 }));
          result.scores = Float32Array.from(await best.data());
          best.dispose();
        }
        return result;
      } finally {
        logits.dispose();
      }
    };

    const segment = async (images: ImageInput | ImageInput[]) => {
      if (!Array.isArray(images)) return segmentOne(images, 0);
      if (images.length === 0) throw new ArgumentError('segment', 'images', 'at least one image', 'an empty list');
      const out: Segmentation[] = [];
      // One at a time, as mmseg tests (batch 1): images keep their own sizes.
      for (const [i, img] of images.entries()) out.push(await segmentOne(img, i));
      return out;
    };

    return {
      config, classes, palette, imgScale, test, notes, segmentor, backend,
      weights: options.weights ?? `random (seed ${seed})`,
      segment: segment as Segmenter['segment'],
      dispose: () => segmentor.dispose(),
    };
  } catch (e) {
    segmentor.dispose();
    throw e;
  }
}
