import { parseArgs } from 'node:util';
import * as ii from '@internimage/core';
import { DEFAULT_BACKEND, useBackend } from '../backends.js';
import { variantConfig } from '../config.js';
import { InternImage } from '../model.js';
import { UsageError } from './usage_error.js';

export const BENCH_USAGE = `internimage bench [--variant t] [--size 224] [--batch 1] [--backend <name>] [--threads N] [--runs N] [--json]

Times the forward pass of a randomly initialised model (after one warm-up pass) and reports the median, the
minimum and the peak resident memory of the process.
  --variant <v>      t, s, b, l, xl, h or g (default t)
  --size <n>         input side (default: the variant's evaluation size)
  --batch <n>        images per forward pass (default 1)
  --backend <name>   backend (default wasm)
  --threads <n>      threads for the wasm backend's kernels (default 1)
  --runs <n>         timed passes (default 5)
  --json             print {"variant","size","batch","backend","threads","median_ms","min_ms","runs","peak_rss_mb"}`;

const positiveInt = (v: string | undefined, name: string, fallback: number) => {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got '${v}'`);
  return n;
};

export async function bench(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      variant: { type: 'string', default: 't' }, size: { type: 'string' }, batch: { type: 'string' },
      backend: { type: 'string', default: DEFAULT_BACKEND }, threads: { type: 'string' }, runs: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const config = variantConfig(values.variant!);
  const size = positiveInt(values.size, 'size', config.imgSize);
  const batch = positiveInt(values.batch, 'batch', 1);
  const runs = positiveInt(values.runs, 'runs', 5);
  const threads = positiveInt(values.threads, 'threads', 1);
  if (threads !== 1 && values.backend !== 'wasm') throw new UsageError(`--threads ${threads}: only the wasm backend runs on several threads`);
  await useBackend(values.backend!);
  if (values.backend === 'wasm') await (await import('@internimage/backend-wasm')).setThreads(threads);
  const model = InternImage.random(config, { seed: 0 });
  const input = ii.tensor(new Float32Array(batch * 3 * size * size).map((_, i) => Math.sin(i)), [batch, 3, size, size]);
  const once = async () => {
    const t0 = performance.now();
    const logits = model.classify(input);
    await logits.data();
    logits.dispose();
    return performance.now() - t0;
  };
  try {
    if (!values.json) process.stderr.write(`InternImage-${values.variant!.toUpperCase()}@${size} batch ${batch} on ${values.backend}: warm-up`);
    await once();
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      times.push(await once());
      if (!values.json) process.stderr.write('.');
    }
    times.sort((a, b) => a - b);
    const result = {
      variant: values.variant, size, batch, backend: values.backend, threads,
      median_ms: Math.round(times[Math.floor(times.length / 2)]! * 10) / 10, min_ms: Math.round(times[0]! * 10) / 10,
      runs, peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    if (values.json) console.log(JSON.stringify(result));
    else console.log(`\nmedian ${result.median_ms} ms, min ${result.min_ms} ms over ${runs} runs; peak RSS ${result.peak_rss_mb} MB`);
    return 0;
  } finally {
    input.dispose();
    model.dispose();
  }
}
