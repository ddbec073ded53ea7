// The user-facing pipeline, in the shape transformers.js users know: create once, classify images, dispose.
import type { BytesInput, FetchOptions, Tensor } from '@internimage/core';
import { ArgumentError, getBackend, softmax, tensor, tidy } from '@internimage/core';
import { loadImagenetLabels } from './assets.js';
import { DEFAULT_BACKEND, useBackend } from './backends.js';
import type { InternImageConfig } from './config.js';
import { validateConfig, variantConfig } from './config.js';
import type { ImageInput } from './image/input.js';
import { toImage8 } from './image/input.js';
import { loadModel } from './load.js';
import { InternImage } from './model.js';
import { preprocess } from './preprocess/transform.js';

export type { ImageInput };

export interface ClassifierOptions {
  /** A published variant ('t' … 'g'); default 't' when neither weights nor config say otherwise. */
  variant?: string;
  config?: Partial<InternImageConfig>;
  /**
   * A .pth or .safetensors: a path (Node), a URL (downloaded with progress, kept in a page's cache), a Blob/File or
   * bytes. Without it the weights are random (seeded) and predictions meaningless.
   */
  weights?: BytesInput;
  /** Backend to run on (activated for you); default: the active one, or 'wasm'. */
  backend?: string;
  /** Class names; default ImageNet-1k for 1000 classes, otherwise the class index as text. */
  labels?: readonly string[];
  /** Input side length; default the config's evaluation size. */
  imageSize?: number;
  /** Use the EMA weights of a training checkpoint. */
  ema?: boolean;
  /** Seed of the random weights used when no weights are given. */
  seed?: number;
  /** Threads for the wasm backend's kernels (default: leave the backend's setting, initially 1). */
  threads?: number;
  onProgress?: (loadedBytes: number, totalBytes: number, name: string) => void;
  /** Progress of downloading `weights` from a URL: bytes so far and in total (0 when the server does not say). */
  onDownload?: FetchOptions['onProgress'];
  /** Cache API cache for downloaded weights in a page (default 'internimage'); false to store nothing. */
  cache?: FetchOptions['cache'];
}

export interface Prediction {
  index: number;
  label: string;
  score: number;
}

export interface Classifier {
  readonly config: InternImageConfig;
  readonly imageSize: number;
  readonly labels: readonly string[];
  /** 'random (seed N)' or the weights file. */
  readonly weights: string;
  readonly backend: string;
  /** Notes from loading (what was inferred or assumed). */
  readonly notes: readonly string[];
  readonly model: InternImage;
  /** Top-k predictions, best first: one list per image (a single image gives a single list). */
  classify(image: ImageInput, options?: { topK?: number }): Promise<Prediction[]>;
  classify(images: ImageInput[], options?: { topK?: number }): Promise<Prediction[][]>;
  /** The four stage outputs (NCHW) of one image, or of a batch. The caller disposes them. */
  features(images: ImageInput | ImageInput[]): Promise<Tensor[]>;
  /** The preprocessed batch `[N, 3, S, S]` (normalised), as the model sees it. The caller disposes it. */
  preprocess(images: ImageInput | ImageInput[]): Promise<Tensor>;
  dispose(): void;
}

export async function createClassifier(options: ClassifierOptions = {}): Promise<Classifier> {
  const backend = options.backend ?? getBackend() ?? DEFAULT_BACKEND;
  await useBackend(backend);
  let threadNote: string | undefined;
  if (options.threads !== undefined) {
    if (backend !== 'wasm') throw new ArgumentError('createClassifier', 'threads', "1 unless the backend is 'wasm'", String(options.threads));
    const wasm = await import('@internimage/backend-wasm');
    await wasm.setThreads(options.threads);
    const { threads, reason } = wasm.threadsInfo();
    if (reason) threadNote = `${threads} thread(s) instead of ${options.threads}: ${reason}`;
  }
  let model: InternImage;
  let config: InternImageConfig;
  let notes: string[] = [];
  const seed = options.seed ?? 0;
  if (options.weights) {
    const loaded = await loadModel(options.weights, {
      config: options.config, variant: options.variant, ema: options.ema, onProgress: options.onProgress,
      onDownload: options.onDownload, cache: options.cache,
    });
    ({ model, config, notes } = loaded);
  } else {
    config = options.config ? validateConfig(options.config) : variantConfig(options.variant ?? 't');
    model = InternImage.random(config, { seed });
  }
  if (threadNote) notes = [...notes, threadNote];
  const imageSize = options.imageSize ?? config.imgSize;
  const labels = options.labels ?? (config.numClasses === 1000 ? await loadImagenetLabels() : Array.from({ length: config.numClasses }, (_, i) => String(i)));
  if (labels.length !== config.numClasses) {
    model.dispose();
    throw new ArgumentError('createClassifier', 'labels', `${config.numClasses} names (the model's classes)`, `${labels.length}`);
  }

  const batchOf = async (images: ImageInput | ImageInput[]): Promise<Tensor> => {
    const list = Array.isArray(images) ? images : [images];
    if (list.length === 0) throw new ArgumentError('classify', 'images', 'at least one image', 'an empty list');
    const plane = 3 * imageSize * imageSize;
    const data = new Float32Array(list.length * plane);
    for (const [i, img] of list.entries()) data.set(preprocess(await toImage8(img, i), imageSize), i * plane);
    return tensor(data, [list.length, 3, imageSize, imageSize]);
  };

  const classify = async (images: ImageInput | ImageInput[], opts: { topK?: number } = {}) => {
    const topK = opts.topK ?? 5;
    if (!Number.isInteger(topK) || topK < 1) throw new ArgumentError('classify', 'topK', 'a positive integer', String(topK));
    const x = await batchOf(images);
    const probs = tidy(() => {
      const logits = model.classify(x);
      return softmax(logits, -1);
    });
    x.dispose();
    const values = await probs.data();
    probs.dispose();
    const n = config.numClasses;
    const results = Array.from({ length: values.length / n }, (_, b) => {
      const row = values.subarray(b * n, (b + 1) * n);
      return Array.from(row, (score, index) => ({ index, label: labels[index]!, score }))
        .sort((p, q) => q.score - p.score || p.index - q.index)
        .slice(0, topK);
    });
    return Array.isArray(images) ? results : results[0]!;
  };

  return {
    config, imageSize, labels, notes, model, backend,
    weights: weightsName(options.weights) ?? `random (seed ${seed})`,
    classify: classify as Classifier['classify'],
    features: async (images) => {
      const x = await batchOf(images);
      try {
        return model.features(x, { layout: 'NCHW' });
      } finally {
        x.dispose();
      }
    },
    preprocess: batchOf,
    dispose: () => model.dispose(),
  };
}


function weightsName(weights: BytesInput | undefined): string | undefined {
  if (weights === undefined) return undefined;
  if (typeof weights === 'string') return weights;
  if (weights instanceof URL) return weights.href;
  return (weights as { name?: string }).name ?? `${weights instanceof Uint8Array || weights instanceof ArrayBuffer ? 'bytes' : 'blob'} (${(weights as { byteLength?: number; size?: number }).byteLength ?? (weights as { size?: number }).size} bytes)`;
}
