// The batched forward passes behind the server and the queue workers: decoded images in, one result per image out.
import { dispose } from '@internimage/core';
import type { Classifier, Prediction } from '../classifier.js';
import type { Image8 } from '../preprocess/resize.js';
import type { BatchRunner } from './batcher.js';

/** Which features: the last stage averaged over space (one vector per image), or one stage's map (C×H×W). */
export type FeatureStage = 'pooled' | 0 | 1 | 2 | 3;

export interface FeatureArray {
  shape: number[];
  data: Float32Array;
}

/** Every class of one image, best first (callers keep the top k they were asked for). */
export type Ranked = Prediction[];

export type InferenceResult = Ranked | FeatureArray;

/** The batcher key of a task: only requests with the same key share a forward pass. */
export const taskKey = (task: 'classify' | { stage: FeatureStage }): string =>
  task === 'classify' ? 'classify' : `features:${task.stage}`;

export function parseStage(value: string | undefined): FeatureStage {
  if (value === undefined || value === 'pooled') return 'pooled';
  if (/^[0-3]$/.test(value)) return Number(value) as FeatureStage;
  throw new RangeError(`stage must be 'pooled' or 0, 1, 2, 3, got '${value}'`);
}

async function featuresOf(clf: Classifier, images: Image8[], stage: FeatureStage): Promise<FeatureArray[]> {
  const maps = await clf.features(images);
  try {
    const map = maps[stage === 'pooled' ? 3 : stage]!;
    const [n, c, h, w] = map.shape as [number, number, number, number];
    const values = await map.data() as Float32Array;
    const plane = h * w;
    return Array.from({ length: n }, (_, b) => {
      const one = values.subarray(b * c * plane, (b + 1) * c * plane);
      if (stage !== 'pooled') return { shape: [c, h, w], data: Float32Array.from(one) };
      const pooled = new Float32Array(c);
      for (let ch = 0; ch < c; ch++) {
        let sum = 0;
        for (let i = 0; i < plane; i++) sum += one[ch * plane + i]!;
        pooled[ch] = sum / plane;
      }
      return { shape: [c], data: pooled };
    });
  } finally {
    dispose(...maps);
  }
}

/** Runs one batch of decoded images through `clf` for the task named by `key` (see taskKey). */
export function inferenceRunner(clf: Classifier): BatchRunner<Image8, InferenceResult> {
  return async (key, images) => {
    if (key === 'classify') return clf.classify(images, { topK: clf.config.numClasses });
    if (key.startsWith('features:')) return featuresOf(clf, images, parseStage(key.slice('features:'.length)));
    throw new Error(`unknown task key '${key}'`);
  };
}
