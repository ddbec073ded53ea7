// The HTTP server (Fastify): classification and features with dynamic batching, backpressure, health and metrics.
import multipart from '@fastify/multipart';
import { writeSafetensors } from '@internimage/core';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Classifier } from '../classifier.js';
import type { Image8 } from '../preprocess/resize.js';
import { BatcherClosedError, DynamicBatcher, QueueFullError } from './batcher.js';
import type { FeatureArray, InferenceResult, Ranked } from './inference.js';
import { inferenceRunner, parseStage, taskKey } from './inference.js';
import { type ServerMetrics, createMetrics } from './metrics.js';
import { DEFAULT_MAX_PIXELS, HttpError, decodeUpload } from './upload.js';

export interface ServerOptions {
  /** What `model` says in responses and /v1/models. */
  modelName: string;
  maxBatch?: number;
  maxWaitMs?: number;
  /** Images that may wait for a forward pass; past it requests get 503 with Retry-After. */
  maxQueue?: number;
  /** Largest request body (and largest file of a multipart upload) in bytes. */
  maxBodyBytes?: number;
  /** Largest image, in pixels, declared by an upload's header. */
  maxPixels?: number;
}

export interface ImageServer {
  app: FastifyInstance;
  metrics: ServerMetrics;
  batcher: DynamicBatcher<Image8, InferenceResult>;
  /** Stops accepting connections, answers every request already received, then resolves. */
  close(): Promise<void>;
}

const RAW_TYPES = ['image/png', 'image/jpeg', 'application/octet-stream'];
const SAFETENSORS_TYPES = ['application/octet-stream', 'application/vnd.safetensors'];
const RETRY_AFTER_S = '1';

interface Upload {
  name: string;
  bytes: Uint8Array;
}

async function readUploads(request: FastifyRequest): Promise<Upload[]> {
  if (request.isMultipart()) {
    const uploads: Upload[] = [];
    for await (const part of request.parts()) {
      if (part.type === 'file') uploads.push({ name: part.filename || part.fieldname, bytes: await part.toBuffer() });
    }
    if (uploads.length === 0) throw new HttpError(400, 'the multipart body has no file part; send each image as a file');
    return uploads;
  }
  const body = request.body as Buffer | undefined;
  return [{ name: 'body', bytes: body ?? new Uint8Array(0) }];
}

function parseTopK(value: unknown, numClasses: number): number {
  if (value === undefined) return Math.min(5, numClasses);
  const k = Number(value);
  if (!Number.isInteger(k) || k < 1 || k > numClasses) throw new HttpError(400, `top_k must be an integer from 1 to ${numClasses}, got '${String(value)}'`);
  return k;
}

function errorReply(error: unknown, request: FastifyRequest, reply: FastifyReply, maxBodyBytes: number): { status: number; message: string } {
  const code = (error as { code?: string }).code;
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return { status: 415, message: `content-type '${request.headers['content-type'] ?? ''}' is not accepted; send ${RAW_TYPES.join(', ')} or multipart/form-data` };
  }
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE' || code === 'FST_REQ_FILE_TOO_LARGE') {
    return { status: 413, message: `the upload is larger than the limit of ${maxBodyBytes} bytes (--max-body-mb)` };
  }
  if (error instanceof HttpError) {
    reply.headers(error.headers);
    return { status: error.statusCode, message: error.message };
  }
  if (error instanceof QueueFullError || error instanceof BatcherClosedError) {
    reply.header('retry-after', RETRY_AFTER_S);
    return { status: 503, message: error.message };
  }
  const e = error as { statusCode?: number; message?: string };
  // Fastify's and the multipart plugin's own errors (body too large, unsupported media type, …) carry their status.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return { status: e.statusCode, message: e.message ?? 'bad request' };
  return { status: 500, message: `inference failed: ${e.message ?? String(error)}` };
}

export async function createServer(classifier: Classifier, options: ServerOptions): Promise<ImageServer> {
  const maxBatch = options.maxBatch ?? 16;
  const maxBodyBytes = options.maxBodyBytes ?? 20 * 2 ** 20;
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const metrics = createMetrics(maxBatch);
  const batcher = new DynamicBatcher<Image8, InferenceResult>(inferenceRunner(classifier), {
    maxBatch, maxWaitMs: options.maxWaitMs ?? 10, maxQueue: options.maxQueue ?? 256,
    onBatch: (size, seconds, failed) => {
      metrics.batchSize.observe(size);
      metrics.inference.observe(seconds);
      if (failed) metrics.failedBatches.inc();
    },
    onQueueDepth: (depth) => metrics.queueDepth.set(depth),
  });

  const app = Fastify({ bodyLimit: maxBodyBytes, logger: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(RAW_TYPES, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  await app.register(multipart, {
    limits: { fileSize: maxBodyBytes, files: options.maxQueue ?? 256, fields: 16, parts: (options.maxQueue ?? 256) + 16 },
  });

  app.setErrorHandler((error, request, reply) => {
    const { status, message } = errorReply(error, request, reply, maxBodyBytes);
    if (status >= 500 && status !== 503) console.error(`internimage serve: ${message}`);
    return reply.code(status).send({ error: message });
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send({ error: `no route ${request.method} ${request.url}` }));
  let closing = false;
  // Answers given while shutting down close their connection, so that keep-alive clients do not hold the exit back.
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ route, method: request.method, status: String(reply.statusCode) });
    metrics.latency.observe({ route }, reply.elapsedTime / 1000);
  });

  /** Decodes every upload of a request (refusing bad ones) and runs them through the batcher as one submission. */
  const infer = async (request: FastifyRequest, key: string) => {
    if (!batcher.canAccept()) throw new QueueFullError(batcher.depth, 1, batcher.options.maxQueue);
    const uploads = await readUploads(request);
    const images: Image8[] = [];
    for (const u of uploads) images.push(await decodeUpload(u.bytes, u.name, maxPixels));
    return { uploads, results: await batcher.submit(key, images) };
  };

  app.post('/v1/classify', async (request) => {
    const topK = parseTopK((request.query as Record<string, unknown>).top_k, classifier.config.numClasses);
    const { results } = await infer(request, taskKey('classify'));
    return { model: options.modelName, predictions: (results as Ranked[]).map((r) => r.slice(0, topK)) };
  });

  app.post('/v1/features', async (request, reply) => {
    let stage;
    try {
      stage = parseStage((request.query as Record<string, string | undefined>).stage);
    } catch (e) {
      throw new HttpError(400, (e as Error).message);
    }
    const { uploads, results } = await infer(request, taskKey({ stage }));
    const arrays = results as FeatureArray[];
    const shape = [arrays.length, ...arrays[0]!.shape];
    const accept = request.headers.accept ?? '';
    if (SAFETENSORS_TYPES.some((t) => accept.includes(t))) {
      const data = new Float32Array(arrays.reduce((n, a) => n + a.data.length, 0));
      arrays.forEach((a, i) => data.set(a.data, i * a.data.length));
      const bytes = await writeSafetensors({ features: { dtype: 'float32', shape, data } }, {
        model: options.modelName, stage: String(stage), images: JSON.stringify(uploads.map((u) => u.name)),
      });
      return reply.type('application/octet-stream').send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    }
    return { model: options.modelName, stage, shape, features: arrays.map((a) => Array.from(a.data)) };
  });

  app.get('/v1/models', async () => ({
    models: [{
      id: options.modelName,
      weights: classifier.weights,
      backend: classifier.backend,
      input_size: classifier.imageSize,
      num_classes: classifier.config.numClasses,
      feature_channels: [0, 1, 2, 3].map((i) => classifier.config.channels * 2 ** i),
      labels: classifier.labels,
      max_batch: maxBatch,
    }],
  }));
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (batcher.canAccept()) return { status: 'ready', queue_depth: batcher.depth };
    reply.header('retry-after', RETRY_AFTER_S);
    return reply.code(503).send({ error: `not ready: ${batcher.depth} images wait (limit ${batcher.options.maxQueue})` });
  });
  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));

  return {
    app, metrics, batcher,
    close: async () => {
      closing = true;
      // Requests already received are still answered; queued images stop waiting for company.
      batcher.hurry();
      await app.close();
      await batcher.close();
    },
  };
}
