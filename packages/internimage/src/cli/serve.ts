import { parseArgs } from 'node:util';
import { createClassifier } from '../classifier.js';
import { MODEL_OPTIONS, MODEL_OPTIONS_USAGE, classifierOptions, describeModel, variantOf } from './model_options.js';
import { UsageError } from './usage_error.js';

export const SERVE_USAGE = `internimage serve [--weights <file>] [--backend <name>] [--port 8080] [--max-batch 16]

Serves the model over HTTP with dynamic batching: POST /v1/classify (?top_k=5) and /v1/features (?stage=pooled|0-3;
JSON, or safetensors with Accept: application/octet-stream) take a PNG/JPEG body or multipart/form-data with one or
more images; GET /v1/models, /healthz, /readyz, /metrics (Prometheus). SIGTERM/SIGINT: finish what is queued, exit 0.
${MODEL_OPTIONS_USAGE}
  --host <addr>      address to listen on (default 127.0.0.1)
  --port <n>         port (default 8080; 0 picks a free one)
  --max-batch <n>    most images in one forward pass (default 16)
  --max-wait-ms <ms> longest wait for a batch to fill (default 10)
  --max-queue <n>    most images waiting; past it requests get 503 with Retry-After (default 256)
  --max-body-mb <n>  largest request body or uploaded file, in MiB (default 20)`;

function intFlag(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${value}'`);
  return n;
}

export async function serve(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      ...MODEL_OPTIONS,
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8080' },
      'max-batch': { type: 'string', default: '16' },
      'max-wait-ms': { type: 'string', default: '10' },
      'max-queue': { type: 'string', default: '256' },
      'max-body-mb': { type: 'string', default: '20' },
    },
  });
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const port = intFlag('port', values.port, 0);
  const maxBatch = intFlag('max-batch', values['max-batch'], 1);
  const maxWaitMs = intFlag('max-wait-ms', values['max-wait-ms'], 0);
  const maxQueue = intFlag('max-queue', values['max-queue'], 1);
  const maxBodyMb = Number(values['max-body-mb']);
  if (!(maxBodyMb > 0)) throw new UsageError(`--max-body-mb must be a positive number, got '${values['max-body-mb']}'`);

  const { createServer } = await import('../serve/server.js');
  const { modelId } = await import('../serve/model_id.js');
  const { options, done } = classifierOptions(values);
  const clf = await createClassifier(options).finally(done);
  const server = await createServer(clf, {
    modelName: modelId(values), maxBatch, maxWaitMs, maxQueue, maxBodyBytes: Math.round(maxBodyMb * 2 ** 20),
  });
  const address = await server.app.listen({ host: values.host, port });
  console.log(describeModel(clf, variantOf(values)));
  console.log(`listening on ${address} (max batch ${maxBatch}, max wait ${maxWaitMs} ms, max queue ${maxQueue})`);

  return new Promise((resolve) => {
    const stop = (signal: string) => {
      console.log(`${signal}: no new requests; finishing ${server.batcher.depth} queued images`);
      void server.close().then(() => {
        clf.dispose();
        console.log('stopped');
        resolve(0);
      }, (e) => {
        console.error(`internimage serve: shutdown failed: ${(e as Error).message}`);
        resolve(1);
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
