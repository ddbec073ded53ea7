// One name for the model a server or worker runs, derived from the command-line flags alone (so `batch`, which loads
// no model, names the same model as the workers that will run its jobs).
import { basename } from 'node:path';

export interface ModelFlags {
  weights?: string;
  variant?: string;
  size?: string;
}

/** E.g. 'internimage_mnist_32', 'OpenGVLab/internimage_t_1k_224@384', 'internimage-t-random'. */
export function modelId(flags: ModelFlags): string {
  const local = flags.weights && (flags.weights.startsWith('.') || flags.weights.startsWith('/') || /\.(pth|safetensors)$/.test(flags.weights));
  const base = flags.weights
    ? (local ? basename(flags.weights).replace(/\.(pth|safetensors)$/, '') : flags.weights)
    : `internimage-${flags.variant ?? 't'}-random`;
  return flags.size ? `${base}@${flags.size}` : base;
}
