import { DEFAULT_BACKEND } from '../backends.js';
// Options shared by the commands that build a model: which weights, architecture and backend.
import type { ClassifierOptions } from '../classifier.js';
import { resolveWeights } from '../hub/resolve.js';
import { byteProgress } from './progress.js';

export const MODEL_OPTIONS = {
  weights: { type: 'string' },
  variant: { type: 'string' },
  backend: { type: 'string', default: DEFAULT_BACKEND },
  ema: { type: 'boolean', default: false },
  size: { type: 'string' },
  threads: { type: 'string' },
} as const;

export const MODEL_OPTIONS_USAGE = `  --weights <w>      a published checkpoint name (see 'internimage models'; downloaded once into the Hugging Face
                     cache), hf://<owner>/<repo>/<file>, a URL, or a .pth/.safetensors file (default: random weights)
  --variant <v>      t, s, b, l, xl, h or g (default: inferred from the weights, or t)
  --backend <name>   backend to run on (default wasm; cpu is the reference)
  --ema              use the EMA weights of a training checkpoint
  --size <n>         input side length (default: the model's evaluation size)
  --threads <n>      threads for the wasm backend's kernels (default 1)`;

export interface ParsedModelOptions {
  weights?: string;
  variant?: string;
  backend?: string;
  ema?: boolean;
  size?: string;
  threads?: string;
}

/** Classifier options from parsed flags, with progress bars while weights download and load. */
export function classifierOptions(values: ParsedModelOptions): { options: ClassifierOptions; done: () => void } {
  const download = byteProgress('downloading', { rate: true });
  const progress = byteProgress('loading weights');
  const size = values.size === undefined ? undefined : Number(values.size);
  if (size !== undefined && !(Number.isInteger(size) && size >= 32)) throw new Error(`--size must be an integer >= 32, got '${values.size}'`);
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new Error(`--threads must be a positive integer, got '${values.threads}'`);
  return {
    options: {
      weights: values.weights, variant: values.variant, backend: values.backend, ema: values.ema, imageSize: size, threads,
      onProgress: progress.update, hub: { onProgress: download.update },
    },
    done: () => {
      download.stop();
      progress.stop();
    },
  };
}

/** The local file a `--weights` value means (a published name or Hub file is downloaded once, with a progress bar). */
export async function weightsPath(weights: string): Promise<string> {
  const download = byteProgress('downloading', { rate: true });
  try {
    return (await resolveWeights(weights, { onProgress: download.update })).path;
  } finally {
    download.stop();
  }
}

/** The published variant a command runs: the one named, or T when neither a variant nor weights are given. */
export function variantOf(values: ParsedModelOptions): string | undefined {
  return values.variant ?? (values.weights ? undefined : 't');
}

/** The line that says which model ran, and warns when its weights are random. */
export function describeModel(c: { weights: string; config: { channels: number }; imageSize: number; backend: string }, variant?: string): string {
  const name = variant ? `InternImage-${variant.toUpperCase()}` : `InternImage (channels ${c.config.channels}, ${c.config.channels === 16 ? 'a small model' : 'custom'})`;
  const random = c.weights.startsWith('random');
  return `${name} @${c.imageSize} on ${c.backend}, weights: ${c.weights}${random ? ' — RANDOM WEIGHTS, predictions are meaningless (pass --weights)' : ''}`;
}
