// What `batch` and `worker` agree on: the queue of a model, the job ids, the job's data and result, and how to reach
// Redis (reconnecting for ever, so that a Redis restart is waited out rather than fatal).
import { createHash } from 'node:crypto';
import type { ConnectionOptions } from 'bullmq';
import type { Prediction } from '../classifier.js';
import type { FeatureStage } from './inference.js';

export type BatchTask = 'classify' | 'features';

export interface ImageJob {
  /** Absolute path of the image (workers read it: they must see the same files). */
  image: string;
  task: BatchTask;
  topK: number;
  stage: FeatureStage;
}

export type ImageJobResult = { predictions: Prediction[] } | { shape: number[]; features: number[] };

/** Attempts of a job whose failure may be passing (a bad image fails at once: retrying cannot help). */
export const JOB_ATTEMPTS = 3;

/** One queue per model, so that many models can share a Redis and each worker takes only its own model's jobs. */
export const queueName = (model: string): string => `internimage.${model.replace(/[^A-Za-z0-9._@-]/g, '_')}`;

/** The same image, model and task always give the same id, so enqueuing it again is a no-op. */
export function jobId(model: string, job: ImageJob): string {
  const what = job.task === 'classify' ? `classify/${job.topK}` : `features/${job.stage}`;
  return createHash('sha256').update(`${model}\n${what}\n${job.image}`).digest('hex').slice(0, 40);
}

export function redisConnection(url: string): ConnectionOptions {
  if (!/^rediss?:\/\//.test(url)) throw new Error(`--redis must be a redis:// or rediss:// URL, got '${url}'`);
  return {
    url,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (attempt: number) => Math.min(100 * attempt, 2000),
  };
}
