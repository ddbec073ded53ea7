// Node-only entry point ('internimage/serve'): the HTTP server and the distributed batch jobs. Kept out of the
// package's main entry so that browser bundles never see Fastify, BullMQ or Redis clients.
export type { BatcherOptions, BatchRunner } from './batcher.js';
export { BatcherClosedError, DynamicBatcher, QueueFullError } from './batcher.js';
export type { FeatureArray, FeatureStage, InferenceResult, Ranked } from './inference.js';
export { inferenceRunner, parseStage, taskKey } from './inference.js';
export type { ServerMetrics } from './metrics.js';
export { createMetrics } from './metrics.js';
export { modelId } from './model_id.js';
export type { ImageServer, ServerOptions } from './server.js';
export { createServer } from './server.js';
export { DEFAULT_MAX_PIXELS, HttpError, decodeUpload } from './upload.js';
export type { BatchOptions, BatchSummary } from './batch.js';
export { runBatch } from './batch.js';
export type { BatchTask, ImageJob, ImageJobResult } from './jobs.js';
export { JOB_ATTEMPTS, jobId, queueName } from './jobs.js';
export type { ImageWorker, WorkerOptions } from './worker.js';
export { startWorker } from './worker.js';
