import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { MODEL_OPTIONS } from './model_options.js';
import { UsageError } from './usage_error.js';

export const BATCH_USAGE = `internimage batch <image… | dir | list.txt> --redis <url> --out results.jsonl [--task classify] [--top-k 5]

Queues one job per image in Redis for 'internimage worker' (started with the same model flags) and appends one line
per image to --out as results arrive: {"image", "predictions"} or {"image", "error"}; features go to safetensors
shards beside it ({"image", "features": {"file", "row"}}). Images that already have a line are not redone; exits 0
once every image has one.
  --redis <url>      redis://host:port of the queue
  --out <file>       the JSON-lines results file (appended to)
  --task <t>         classify (default) or features
  --top-k <k>        classes per image (default 5)
  --stage <s>        features: pooled (default) or 0-3
  --weights, --variant, --size   name the model, as given to the workers (the model is not loaded here)`;

const IMAGE_FILE = /\.(png|jpe?g)$/i;

/** Directories give their image files (recursively, sorted); .txt files give one path per line. */
export function expandInputs(inputs: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (IMAGE_FILE.test(name)) out.push(path);
    }
  };
  for (const input of inputs) {
    if (input.endsWith('.txt')) out.push(...readFileSync(input, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean));
    else if (statSync(input, { throwIfNoEntry: false })?.isDirectory()) walk(input);
    else out.push(input);
  }
  return out;
}

export async function batch(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      weights: MODEL_OPTIONS.weights, variant: MODEL_OPTIONS.variant, size: MODEL_OPTIONS.size,
      redis: { type: 'string' }, out: { type: 'string' },
      task: { type: 'string', default: 'classify' }, 'top-k': { type: 'string', default: '5' }, stage: { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new UsageError('expected images, a directory or a list of paths (.txt)');
  if (!values.redis) throw new UsageError('--redis <url> is required');
  if (!values.out) throw new UsageError('--out <results.jsonl> is required');
  if (values.task !== 'classify' && values.task !== 'features') throw new UsageError(`--task must be classify or features, got '${values.task}'`);
  const topK = Number(values['top-k']);
  if (!Number.isInteger(topK) || topK < 1) throw new UsageError(`--top-k must be a positive integer, got '${values['top-k']}'`);
  const { parseStage } = await import('../serve/inference.js');
  let stage;
  try {
    stage = parseStage(values.stage);
  } catch (e) {
    throw new UsageError(`--${(e as Error).message}`);
  }
  const images = expandInputs(positionals);
  if (images.length === 0) throw new UsageError(`no images found in ${positionals.join(', ')}`);

  const { runBatch } = await import('../serve/batch.js');
  const { modelId } = await import('../serve/model_id.js');
  const model = modelId(values);
  const bar = new cliProgress.SingleBar({
    format: `${values.task} [{bar}] {value}/{total} images | {eta_formatted}`, stream: process.stderr, hideCursor: true,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  const summary = await runBatch({
    redis: values.redis, model, images, out: values.out, task: values.task, topK, stage,
    onProgress: (done, total) => {
      if (!started) bar.start(total, done);
      started = true;
      bar.update(done);
    },
  }).finally(() => bar.stop());
  console.log(`${model}: ${summary.total} images, ${summary.skipped} already in ${values.out}, ${summary.written} written (${summary.failed} with an error)`);
  return 0;
}
