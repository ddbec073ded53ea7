// Whole-model forward pass with benchmark.js: a randomly initialised InternImage (default T at 224, batch 1) on each
// requested backend. Prints median time and peak memory, and writes bench/results/model-<date>.json.
// Run: npm run bench:model [-- --variant t --size 224 --batch 1 --backend cpu --threads 1 --min-samples 3]
// --threads n: the wasm backend's kernels on n threads, and onnxruntime with n intra-op threads.
// --pairs n: then n passes of each backend alternating with onnxruntime's, and the median of the n ratios (on a
// noisy machine, neighbouring passes see the same machine speed; 0: none).
import Benchmark from 'benchmark';
import { parseArgs } from 'node:util';
import * as ii from '@internimage/core';
import { InternImage, countParameters, variantConfig } from 'internimage';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { backendMode, forEachBackend, medianMs, writeResults } from './lib/harness.js';
import { loadOrt, ortUnavailable } from './lib/peers/onnxruntime.js';

const { values: args } = parseArgs({
  options: {
    variant: { type: 'string', default: 't' },
    size: { type: 'string' },
    batch: { type: 'string', default: '1' },
    backend: { type: 'string', multiple: true },
    'min-samples': { type: 'string', default: '3' },
    threads: { type: 'string', default: '1' },
    pairs: { type: 'string', default: '10' },
  },
});
const config = variantConfig(args.variant!);
const size = Number(args.size ?? config.imgSize);
const batch = Number(args.batch);
const minSamples = Number(args['min-samples']);
const threads = Number(args.threads);
if (!Number.isInteger(threads) || threads < 1) throw new Error(`--threads: expected a positive integer, got ${args.threads}`);
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

const rows: Array<Record<string, unknown>> = [];
await forEachBackend(args.backend, async (backend) => {
  if (backend === 'wasm') await (await import('@internimage/backend-wasm')).setThreads(threads);
  const rssBefore = process.memoryUsage().rss;
  const model = InternImage.random(config, { seed: 0 });
  const input = ii.tensor(new Float32Array(batch * 3 * size * size).map(() => Math.random() * 2 - 1), [batch, 3, size, size]);
  let peakRss = process.memoryUsage().rss;
  const bench = new Benchmark(`InternImage-${args.variant!.toUpperCase()}@${size} batch ${batch} on ${backend}${backend === 'wasm' ? `, ${threads} thread${threads > 1 ? 's' : ''}` : ''}`, {
    defer: true,
    minSamples,
    maxTime: 1,
    initCount: 1,
    fn: (d: { resolve: () => void }) => {
      const logits = model.classify(input);
      void logits.data().then(() => {
        logits.dispose();
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        d.resolve();
      });
    },
  });
  bench.on('cycle', () => process.stdout.write('.'));
  await new Promise<void>((resolve) => bench.on('complete', () => resolve()).run());
  const samples = bench.stats.sample;
  const row = {
    variant: args.variant, size, batch, backend, mode: await backendMode(backend), threads: backend === 'wasm' ? threads : 1,
    params: countParameters(config),
    median_ms: Math.round(medianMs(samples)), min_ms: Math.round(Math.min(...samples) * 1e3), samples: samples.length,
    rss_before_model_mb: mb(rssBefore), peak_rss_mb: mb(Math.max(peakRss, process.resourceUsage().maxRSS * 1024)),
    weights_mb: mb([...model.parameters().values()].reduce((n, t) => n + t.size * 4, 0)),
  };
  rows.push(row);
  console.log(`\n${bench.name}: median ${row.median_ms} ms (min ${row.min_ms}, ${row.samples} samples), peak RSS ${row.peak_rss_mb} MB ` +
    `(weights ${row.weights_mb} MB, ${row.rss_before_model_mb} MB before the model)`);
  input.dispose();
  model.dispose();
});
// onnxruntime-node on the same architecture, exported from PyTorch (bench/lib/peers/export_internimage_onnx.py).
const onnxFile = fileURLToPath(new URL(`./lib/peers/internimage_${args.variant}_${size}.onnx`, import.meta.url));
if (!existsSync(onnxFile)) {
  console.log(`onnxruntime: skipped (no ${onnxFile}; export it with /usr/bin/python3 bench/lib/peers/export_internimage_onnx.py)`);
} else {
  const ort = await loadOrt();
  if (!ort) console.log(`onnxruntime: skipped (${ortUnavailable()})`);
  else {
    const session = await ort.InferenceSession.create(onnxFile, {
      intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
    });
    const x = new ort.Tensor('float32', new Float32Array(batch * 3 * size * size).map(() => Math.random() * 2 - 1), [batch, 3, size, size]);
    const bench = new Benchmark(`onnxruntime-node InternImage-${args.variant!.toUpperCase()}@${size} batch ${batch}, ${threads} thread${threads > 1 ? 's' : ''}`, {
      defer: true, minSamples, maxTime: 1, initCount: 1,
      fn: (d: { resolve: () => void }) => void session.run({ x }).then(() => d.resolve()),
    });
    await new Promise<void>((resolve) => bench.on('complete', () => resolve()).run());
    const median = Math.round(medianMs(bench.stats.sample));
    const min = Math.round(Math.min(...bench.stats.sample) * 1e3);
    rows.push({ variant: args.variant, size, batch, backend: 'onnxruntime', mode: 'cpu', threads, median_ms: median, min_ms: min, samples: bench.stats.sample.length });
    console.log(`${bench.name}: median ${median} ms (min ${min}, ${bench.stats.sample.length} samples)`);
    // Medians and minima both: on a shared VM the minimum is the steadier figure.
    for (const r of rows) {
      if (r.backend === 'onnxruntime') continue;
      const ratio = (key: 'median_ms' | 'min_ms', peer: number) => ((r[key] as number) / peer).toFixed(2);
      console.log(`  ${r.backend}: ${ratio('median_ms', median)}× onnxruntime (medians), ${ratio('min_ms', min)}× (minima)`);
    }
    const pairs = Number(args.pairs);
    if (pairs > 0) {
      const ortPass = async () => {
        const t0 = performance.now();
        await session.run({ x });
        return performance.now() - t0;
      };
      await forEachBackend(args.backend, async (backend) => {
        if (backend === 'cpu') return;
        const model = InternImage.random(config, { seed: 0 });
        const input = ii.tensor(new Float32Array(batch * 3 * size * size).map(() => Math.random() * 2 - 1), [batch, 3, size, size]);
        const ourPass = async () => {
          const t0 = performance.now();
          const logits = model.classify(input);
          await logits.data();
          logits.dispose();
          return performance.now() - t0;
        };
        const ratios: number[] = [];
        for (let i = 0; i < pairs; i++) ratios.push((await ourPass()) / (await ortPass()));
        ratios.sort((a, b) => a - b);
        const median = ratios[ratios.length >> 1]!;
        rows.push({ variant: args.variant, size, batch, backend, threads, paired_ratio_median: Number(median.toFixed(3)), pairs });
        console.log(`  ${backend}: ${median.toFixed(2)}× onnxruntime (median of ${pairs} alternating pairs; range ${ratios[0]!.toFixed(2)}–${ratios[ratios.length - 1]!.toFixed(2)})`);
        input.dispose();
        model.dispose();
      });
    }
    await session.release();
  }
}
writeResults('model', rows);
