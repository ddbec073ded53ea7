// Op micro-benchmarks (benchmark.js) on every available backend: DCNv3 at the four InternImage-T stage shapes and
// the convolutions around it. Prints a table and writes bench/results/ops-<date>.json.
// Run: npm run bench [-- --backend cpu] [-- --max-time 2]
import Benchmark from 'benchmark';
import { parseArgs } from 'node:util';
import * as ii from '@internimage/core';
import type { Tensor } from '@internimage/core';
import { backendMode, forEachBackend, medianMs, writeResults } from './harness.js';

const { values: args } = parseArgs({
  options: { backend: { type: 'string', multiple: true }, 'max-time': { type: 'string', default: '2' } },
});
const maxTime = Number(args['max-time']);

interface OpBench {
  name: string;
  shape: string;
  make: () => Tensor[];
  run: (inputs: Tensor[]) => Tensor;
}

const rand = (shape: number[], scale = 1) => {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (Math.random() * 2 - 1) * scale;
  return ii.tensor(data, shape);
};

const dcnStage = (hw: number, c: number, g: number): OpBench => ({
  name: 'dcnv3', shape: `1x${hw}x${hw}x${c} G${g}`,
  make: () => [rand([1, hw, hw, c]), rand([1, hw, hw, g * 18], 2), ii.fill([1, hw, hw, g * 9], 1 / 9)],
  run: ([v, o, m]) => ii.dcnv3(v!, o!, m!, { group: g, groupChannels: c / g }),
});

const BENCHES: OpBench[] = [
  dcnStage(56, 64, 4), dcnStage(28, 128, 8), dcnStage(14, 256, 16), dcnStage(7, 512, 32),
  { name: 'conv2d stem 3x3/2', shape: '1x3x224x224 -> 32', make: () => [rand([1, 3, 224, 224]), rand([32, 3, 3, 3])],
    run: ([x, w]) => ii.conv2d(x!, w!, { stride: 2, padding: 1 }) },
  { name: 'conv2d depthwise 3x3 NHWC', shape: '1x56x56x64', make: () => [rand([1, 56, 56, 64]), rand([64, 1, 3, 3])],
    run: ([x, w]) => ii.conv2d(x!, w!, { padding: 1, groups: 64, dataFormat: 'NHWC' }) },
  { name: 'linear (MLP fc1)', shape: '3136x64 -> 256', make: () => [rand([1, 56, 56, 64]), rand([256, 64])],
    run: ([x, w]) => ii.linear(x!, w!) },
  { name: 'layerNorm', shape: '3136x64', make: () => [rand([1, 56, 56, 64])], run: ([x]) => ii.layerNorm(x!, { eps: 1e-6 }) },
  { name: 'gelu', shape: '3136x256', make: () => [rand([1, 56, 56, 256])], run: ([x]) => ii.gelu(x!) },
];

const rows: Array<{ backend: string; mode: string; op: string; shape: string; median_ms: number; mean_ms: number; samples: number }> = [];
await forEachBackend(args.backend, async (backend) => {
  const mode = await backendMode(backend);
  for (const b of BENCHES) {
    const inputs = b.make();
    const bench = new Benchmark(`${b.name} ${b.shape}`, {
      defer: true,
      maxTime,
      minSamples: 3,
      fn: (d: { resolve: () => void }) => {
        const out = b.run(inputs);
        void out.data().then(() => {
          out.dispose();
          d.resolve();
        });
      },
    });
    await new Promise<void>((resolve) => bench.on('complete', () => resolve()).run());
    const median = medianMs(bench.stats.sample);
    rows.push({ backend, mode, op: b.name, shape: b.shape, median_ms: median, mean_ms: bench.stats.mean * 1e3, samples: bench.stats.sample.length });
    console.log(`${`${backend}/${mode}`.padEnd(18)} ${b.name.padEnd(28)} ${b.shape.padEnd(20)} median ${median.toFixed(2).padStart(9)} ms  (${bench.stats.sample.length} samples)`);
    ii.dispose(...inputs);
  }
});
writeResults('ops', rows);
