// Class names for published checkpoints whose label set is not bundled (the ImageNet-22k pre-trained ones): the
// `id2label` of the config.json in the checkpoint's transformers repository on the Hub, else the class indices.
import { readFile } from 'node:fs/promises';
import { imagenetLabels } from '../assets.js';
import type { PublishedCheckpoint } from './registry.js';
import type { HubOptions } from './resolve.js';
import { hubFile } from './resolve.js';

export interface CheckpointLabels {
  labels: string[];
  /** Where the names came from, or why they are indices. */
  note: string;
}

const indices = (n: number) => Array.from({ length: n }, (_, i) => String(i));

/** Names for a checkpoint without bundled labels; never throws (the fallback is indices, and the note says why). */
export async function hubLabels(checkpoint: PublishedCheckpoint, options: HubOptions = {}): Promise<CheckpointLabels> {
  const n = checkpoint.numClasses;
  if (!checkpoint.labelsRepo) return { labels: indices(n), note: `${checkpoint.labelSet} class names are not bundled: labels are class indices` };
  const source = `${checkpoint.labelsRepo}/config.json`;
  let reason: string;
  try {
    const { path } = await hubFile(checkpoint.labelsRepo, 'config.json', 'main', { ...options, onProgress: undefined });
    const id2label = (JSON.parse(await readFile(path, 'utf8')) as { id2label?: Record<string, string> }).id2label;
    const count = id2label ? Object.keys(id2label).length : 0;
    if (id2label && count === n) {
      return { labels: Array.from({ length: n }, (_, i) => id2label[String(i)] ?? String(i)), note: `${checkpoint.labelSet} class names from ${source} (id2label)` };
    }
    reason = id2label ? `its id2label has ${count} entries, the model ${n} classes` : 'it has no id2label';
  } catch (e) {
    reason = (e as Error).message;
  }
  return { labels: indices(n), note: `labels are class indices 0…${n - 1}: no ${checkpoint.labelSet} names from ${source} (${reason})` };
}

/** The default class names of a model: a published checkpoint's own set, ImageNet-1k for 1000 classes, else indices. */
export async function defaultLabels(numClasses: number, checkpoint: PublishedCheckpoint | null, options?: HubOptions): Promise<{ labels: readonly string[]; note?: string }> {
  if (checkpoint && checkpoint.labelSet !== 'imagenet-1k' && checkpoint.numClasses === numClasses) return hubLabels(checkpoint, options);
  return { labels: numClasses === 1000 ? imagenetLabels() : indices(numClasses) };
}
