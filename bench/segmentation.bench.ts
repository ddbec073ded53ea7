// UperNet + InternImage semantic segmentation, one forward pass (backbone, decode head, logits resized to the input):
// random weights, batch 1, on each requested backend; with --onnx, onnxruntime-node on the same architecture in the
// same run. Prints median and minimum time, peak RSS, and writes bench/results/segmentation-<date>.json.
// Run: npx tsx --conditions=source bench/segmentation.bench.ts [--variant t] [--size 512] [--backend wasm] [--threads 1,2] [--runs 3]
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as ii from '@internimage/core';
import { UperNetSegmentor, countSegmentorParameters, segVariantConfig } from 'internimage';
import { forEachBackend, writeResults } from './lib/harness.js';
import { loadOrt, ortUnavailable } from './lib/peers/onnxruntime.js';

const { values: args } = parseArgs({
  options: {
    variant: { type: 'string', default: 't' },
    size: { type: 'string', default: '512' },
    backend: { type: 'string', multiple: true },
    threads: { type: 'string', default: '1,2' },
    runs: { type: 'string', default: '3' },
  },
});
const config = segVariantConfig(args.variant!);
const size = Number(args.size);
const runs = Number(args.runs);
const threadCounts = args.threads!.split(',').map(Number);
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
const stats = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { median_ms: Math.round(sorted[sorted.length >> 1]!), min_ms: Math.round(sorted[0]!) };
};
const name = `UperNet InternImage-${args.variant!.toUpperCase()} @${size}×${size}`;
const data = new Float32Array(3 * size * size).map(() => Math.random() * 2 - 1);
const rows: Array<Record<string, unknown>> = [];

await forEachBackend(args.backend ?? ['wasm'], async (backend) => {
  for (const threads of backend === 'wasm' ? threadCounts : [1]) {
    if (backend === 'wasm') await (await import('@internimage/backend-wasm')).setThreads(threads);
    const segmentor = UperNetSegmentor.random(config, { seed: 0 });
    const input = ii.tensor(data, [1, 3, size, size]);
    const times: number[] = [];
    const backboneTimes: number[] = [];
    // The first pass grows the heap and packs the weights: not timed. Each run times the whole forward pass
    // (backbone, decode head, logits resized to the input) and then the backbone alone.
    for (let r = 0; r <= runs; r++) {
      let t0 = performance.now();
      const logits = segmentor.encodeDecode(input);
      await logits.data();
      logits.dispose();
      if (r > 0) times.push(performance.now() - t0);
      t0 = performance.now();
      const features = segmentor.backbone.features(input, { layout: 'NHWC' });
      await features[3]!.data();
      ii.dispose(...features);
      if (r > 0) backboneTimes.push(performance.now() - t0);
    }
    const backboneMs = stats(backboneTimes).median_ms;
    const row = {
      variant: args.variant, size, backend, threads, params: countSegmentorParameters(config), ...stats(times), runs,
      backbone_median_ms: backboneMs, peak_rss_mb: mb(process.resourceUsage().maxRSS * 1024),
    };
    rows.push(row);
    console.log(`${name} on ${backend}${backend === 'wasm' ? `, ${threads} thread${threads > 1 ? 's' : ''}` : ''}: median ${row.median_ms} ms ` +
      `(min ${row.min_ms}, ${runs} runs), of which the backbone alone ${backboneMs} ms, peak RSS ${row.peak_rss_mb} MB`);
    input.dispose();
    segmentor.dispose();
  }
});

// onnxruntime-node on the same architecture, exported from PyTorch (bench/lib/peers/export_upernet_onnx.py).
const onnxFile = fileURLToPath(new URL(`./lib/peers/upernet_internimage_${args.variant}_${size}.onnx`, import.meta.url));
if (!existsSync(onnxFile)) {
  console.log(`onnxruntime: skipped (no ${onnxFile}; export it with /usr/bin/python3 bench/lib/peers/export_upernet_onnx.py ${args.variant} ${size})`);
} else {
  const ort = await loadOrt();
  if (!ort) console.log(`onnxruntime: skipped (${ortUnavailable()})`);
  else {
    for (const threads of threadCounts) {
      const session = await ort.InferenceSession.create(onnxFile, {
        intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
      });
      const x = new ort.Tensor('float32', data, [1, 3, size, size]);
      const times: number[] = [];
      for (let r = 0; r <= runs; r++) {
        const t0 = performance.now();
        await session.run({ x });
        if (r > 0) times.push(performance.now() - t0);
      }
      await session.release();
      const row = { variant: args.variant, size, backend: 'onnxruntime', threads, ...stats(times), runs };
      rows.push(row);
      const ours = rows.find((r) => r.backend === 'wasm' && r.threads === threads);
      const ratio = ours ? `; wasm is ${((ours.median_ms as number) / row.median_ms).toFixed(2)}× its median, ${((ours.min_ms as number) / row.min_ms).toFixed(2)}× its minimum` : '';
      console.log(`onnxruntime-node ${name}, ${threads} thread${threads > 1 ? 's' : ''}: median ${row.median_ms} ms (min ${row.min_ms})${ratio}`);
    }
  }
}
writeResults('segmentation', rows);
