import { parseArgs } from 'node:util';
import { createClassifier } from '../classifier.js';
import { MODEL_OPTIONS, MODEL_OPTIONS_USAGE, classifierOptions, describeModel, variantOf } from './model_options.js';
import { UsageError } from './usage_error.js';

export const WORKER_USAGE = `internimage worker --redis <url> [--weights <file>] [--backend <name>] [--concurrency 16]

Takes the image jobs of its model (queued by 'internimage batch' with the same model flags) from Redis and runs them
in batches; start any number, on any machines that see the same image paths. SIGTERM/SIGINT: finish the jobs in hand.
${MODEL_OPTIONS_USAGE}
  --redis <url>      redis://host:port of the queue
  --concurrency <n>  jobs taken at once, sharing forward passes (default 16)
  --lock-ms <ms>     how long a worker that stops answering keeps its jobs before others take them (default 30000;
                     keep it above the longest forward pass)`;

export async function worker(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { ...MODEL_OPTIONS, redis: { type: 'string' }, concurrency: { type: 'string', default: '16' }, 'lock-ms': { type: 'string', default: '30000' } },
  });
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  if (!values.redis) throw new UsageError('--redis <url> is required');
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError(`--concurrency must be a positive integer, got '${values.concurrency}'`);
  const lockMs = Number(values['lock-ms']);
  if (!Number.isInteger(lockMs) || lockMs < 1000) throw new UsageError(`--lock-ms must be an integer >= 1000, got '${values['lock-ms']}'`);

  const { startWorker } = await import('../serve/worker.js');
  const { modelId } = await import('../serve/model_id.js');
  const { queueName } = await import('../serve/jobs.js');
  const { options, done } = classifierOptions(values);
  const clf = await createClassifier(options).finally(done);
  let jobs = 0;
  let failed = 0;
  const w = await startWorker(clf, {
    redis: values.redis, model: modelId(values), concurrency, lockMs,
    onJob: (_job, error) => {
      jobs++;
      if (error) failed++;
    },
  });
  console.log(describeModel(clf, variantOf(values)));
  console.log(`worker ready: queue ${queueName(modelId(values))} on ${values.redis}, concurrency ${concurrency}`);
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      console.log(`${signal}: finishing the jobs in hand`);
      void w.close().then(() => {
        clf.dispose();
        console.log(`stopped after ${jobs} jobs (${failed} failed)`);
        resolve(0);
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
