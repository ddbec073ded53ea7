// Prometheus metrics of the server, on a registry of its own (so several servers in one process do not collide).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServerMetrics {
  registry: Registry;
  requests: Counter<'route' | 'method' | 'status'>;
  latency: Histogram<'route'>;
  batchSize: Histogram;
  inference: Histogram;
  failedBatches: Counter;
  queueDepth: Gauge;
}

export function createMetrics(maxBatch: number): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'internimage_' });
  const sizes = [1, 2, 4, 8, 16, 32, 64, 128, 256].filter((b) => b < maxBatch).concat(maxBatch);
  return {
    registry,
    requests: new Counter({
      name: 'internimage_http_requests_total', help: 'HTTP requests by route, method and status code',
      labelNames: ['route', 'method', 'status'], registers: [registry],
    }),
    latency: new Histogram({
      name: 'internimage_http_request_duration_seconds', help: 'Time from request to response, by route',
      labelNames: ['route'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'internimage_batch_size', help: 'Images per forward pass', buckets: sizes, registers: [registry],
    }),
    inference: new Histogram({
      name: 'internimage_inference_duration_seconds', help: 'Time of one batched forward pass',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers: [registry],
    }),
    failedBatches: new Counter({
      name: 'internimage_failed_batches_total', help: 'Forward passes that threw (their requests got 500)', registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'internimage_queue_depth', help: 'Images waiting for a forward pass', registers: [registry],
    }),
  };
}
