// A queue worker: takes image jobs of one model from Redis (BullMQ) and runs them in dynamic batches. A worker that
// dies mid-job loses its lock, and BullMQ's stalled-job check hands the job to another worker.
import { readFile } from 'node:fs/promises';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Classifier } from '../classifier.js';
import type { Image8 } from '../preprocess/resize.js';
import { DynamicBatcher } from './batcher.js';
import type { FeatureArray, InferenceResult, Ranked } from './inference.js';
import { inferenceRunner, taskKey } from './inference.js';
import type { ImageJob, ImageJobResult } from './jobs.js';
import { queueName, redisConnection } from './jobs.js';
import { HttpError, decodeUpload } from './upload.js';

export interface WorkerOptions {
  redis: string;
  model: string;
  /** Jobs taken at once; they share forward passes (default 16). */
  concurrency?: number;
  /** How long a job stays locked by a worker that stopped answering before another may take it (default 30 s). */
  lockMs?: number;
  maxWaitMs?: number;
  onJob?: (job: ImageJob, error?: string) => void;
}

export interface ImageWorker {
  worker: Worker<ImageJob, ImageJobResult>;
  /** Finishes the jobs in hand, then disconnects. */
  close(): Promise<void>;
}

async function readJobImage(path: string): Promise<Image8> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new UnrecoverableError(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return await decodeUpload(bytes, path);
  } catch (e) {
    if (e instanceof HttpError) throw new UnrecoverableError(e.message);
    throw e;
  }
}

export async function startWorker(classifier: Classifier, options: WorkerOptions): Promise<ImageWorker> {
  const concurrency = options.concurrency ?? 16;
  const lockMs = options.lockMs ?? 30_000;
  const batcher = new DynamicBatcher<Image8, InferenceResult>(inferenceRunner(classifier), {
    maxBatch: concurrency, maxWaitMs: options.maxWaitMs ?? 10, maxQueue: concurrency,
  });
  const worker = new Worker<ImageJob, ImageJobResult>(queueName(options.model), async (job) => {
    const data = job.data;
    try {
      const image = await readJobImage(data.image);
      if (data.task === 'classify') {
        const [ranked] = await batcher.submit(taskKey('classify'), [image]) as Ranked[];
        options.onJob?.(data);
        return { predictions: ranked!.slice(0, data.topK) };
      }
      const [features] = await batcher.submit(taskKey({ stage: data.stage }), [image]) as FeatureArray[];
      options.onJob?.(data);
      return { shape: features!.shape, features: Array.from(features!.data) };
    } catch (e) {
      options.onJob?.(data, (e as Error).message);
      throw e;
    }
  }, {
    connection: redisConnection(options.redis),
    concurrency,
    lockDuration: lockMs,
    stalledInterval: lockMs,
    maxStalledCount: 2,
    autorun: true,
  });
  let lastError = '';
  // While Redis is away every reconnection attempt fails the same way: say so once.
  worker.on('error', (e) => {
    if (e.message !== lastError) console.error(`internimage worker: ${e.message}`);
    lastError = e.message;
  });
  worker.on('completed', () => { lastError = ''; });
  await worker.waitUntilReady();
  return {
    worker,
    close: async () => {
      await worker.close();
      await batcher.close();
    },
  };
}
