// The gpu.js backend per mode beside the cpu and wasm backends: the ops InternImage spends its time in (DCNv3, the
// stem convolution, the depthwise convolution of the offset branch, an MLP linear) at InternImage-T stage-1 shapes,
// and a whole randomly initialised InternImage-T forward pass. Every timing includes the readback of the result.
// Prints a table and writes bench/results/gpujs-<date>.json.
// Run: npm run bench:gpujs [-- --backend gpujs-webgpu --batch 64 --no-ops --min-samples 5]
import Benchmark from 'benchmark';
import { parseArgs } from 'node:util';
import * as ii from '@internimage/core';
import type { Tensor } from '@internimage/core';
import { InternImage, variantConfig } from 'internimage';
import '@internimage/backend-cpu';
import '@internimage/backend-wasm';
import '@internimage/backend-gpujs';
import { medianMs, writeResults } from './lib/harness.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', multiple: true },
    batch: { type: 'string', default: '1' },
    variant: { type: 'string', default: 't' },
    size: { type: 'string' },
    'no-ops': { type: 'boolean', default: false },
    'no-model': { type: 'boolean', default: false },
    'min-samples': { type: 'string', default: '3' },
    'max-time': { type: 'string', default: '1' },
  },
});
// Any registered backend name works, including 'gpujs' (auto) and 'gpujs-cpu'.
const BACKENDS = args.backend ?? ['cpu', 'wasm', 'gpujs-webasm', 'gpujs-webgpu', 'gpujs-headlessgl'];
const batch = Number(args.batch);
const config = variantConfig(args.variant!);
const size = Number(args.size ?? config.imgSize);
const minSamples = Number(args['min-samples']);
const maxTime = Number(args['max-time']);

const rand = (shape: number[], scale = 1) => ii.tensor(Float32Array.from({ length: ii.sizeOf(shape) }, () => (Math.random() * 2 - 1) * scale), shape);

interface Case {
  name: string;
  make: () => Tensor[];
  run: (inputs: Tensor[]) => Tensor;
}

const b = batch;
const OPS: Case[] = [
  { name: `dcnv3 ${b}x56x56x64 G4`, make: () => [rand([b, 56, 56, 64]), rand([b, 56, 56, 72], 2), ii.fill([b, 56, 56, 36], 1 / 9)],
    run: ([v, o, m]) => ii.dcnv3(v!, o!, m!, { group: 4, groupChannels: 16 }) },
  { name: `conv2d stem 3x3/2 ${b}x3x224x224 -> 32`, make: () => [rand([b, 3, 224, 224]), rand([32, 3, 3, 3])],
    run: ([x, w]) => ii.conv2d(x!, w!, { stride: 2, padding: 1 }) },
  { name: `depthwise 3x3 NHWC ${b}x56x56x64`, make: () => [rand([b, 56, 56, 64]), rand([64, 1, 3, 3])],
    run: ([x, w]) => ii.conv2d(x!, w!, { padding: 1, groups: 64, dataFormat: 'NHWC' }) },
  { name: `linear ${b}x56x56x64 -> 256`, make: () => [rand([b, 56, 56, 64]), rand([256, 64], 0.1), rand([256])],
    run: ([x, w, bias]) => ii.linear(x!, w!, bias!) },
];

/** Median ms of `fn` (which must finish with a readback) under benchmark.js, after one warm-up call. */
async function time(name: string, fn: () => Promise<void>): Promise<{ median: number; samples: number }> {
  await fn(); // compiles the kernels (webgpu builds them asynchronously)
  const bench = new Benchmark(name, {
    defer: true, minSamples, maxTime, initCount: 1,
    fn: (d: { resolve: () => void }) => void fn().then(() => d.resolve()),
  });
  await new Promise<void>((resolve) => bench.on('complete', () => resolve()).run());
  return { median: medianMs(bench.stats.sample), samples: bench.stats.sample.length };
}

const rows: Array<{ case: string; backend: string; median_ms: number; samples: number }> = [];
for (const backend of BACKENDS) {
  try {
    await ii.setBackend(backend);
  } catch (e) {
    console.log(`${backend}: skipped (${e instanceof Error ? e.message : e})`);
    continue;
  }
  const cases: Case[] = args['no-ops'] ? [] : [...OPS];
  const modelHolder = { model: null as InternImage | null, dispose() { this.model?.dispose(); this.model = null; } };
  if (!args['no-model']) {
    cases.push({
      name: `InternImage-${args.variant!.toUpperCase()}@${size} batch ${b}`,
      make: () => {
        modelHolder.model = InternImage.random(config, { seed: 0 });
        return [rand([b, 3, size, size])];
      },
      run: ([x]) => modelHolder.model!.classify(x!),
    });
  }
  const mode = (await ii.engine.findBackend(backend)) as unknown as { info?: { mode: string; device?: unknown } };
  if (mode.info) console.log(`${backend}: mode ${mode.info.mode}${mode.info.device ? `, ${JSON.stringify(mode.info.device)}` : ''}`);
  for (const c of cases) {
    const inputs = c.make();
    const { median, samples } = await time(`${c.name} on ${backend}`, async () => {
      const y = c.run(inputs);
      await y.data();
      y.dispose();
    });
    ii.dispose(...inputs);
    rows.push({ case: c.name, backend, median_ms: Math.round(median * 10) / 10, samples });
    console.log(`${c.name.padEnd(44)} ${backend.padEnd(18)} ${median.toFixed(1).padStart(9)} ms  (${samples} samples)`);
  }
  modelHolder.dispose();
}

const names = [...new Set(rows.map((r) => r.case))];
const backends = [...new Set(rows.map((r) => r.backend))];
console.log(`\n${'median ms'.padEnd(44)}${backends.map((x) => x.padStart(18)).join('')}`);
for (const n of names) {
  console.log(n.padEnd(44) + backends.map((x) => String(rows.find((r) => r.case === n && r.backend === x)?.median_ms ?? '-').padStart(18)).join(''));
}
writeResults('gpujs', rows);
