// Op micro-benchmarks (benchmark.js) on every available backend: DCNv3 at the four InternImage-T stage shapes and
// the convolutions around it, and the same ops on onnxruntime-node (one thread) where it has them, with ratios.
// Prints tables and writes bench/results/ops-<date>.json.
// Run: npm run bench [-- --backend cpu] [-- --max-time 2]
import Benchmark from 'benchmark';
import { parseArgs } from 'node:util';
import * as ii from '@internimage/core';
import type { Tensor } from '@internimage/core';
import { backendMode, forEachBackend, medianMs, writeResults } from './lib/harness.js';
import type { OrtOp } from './lib/peers/onnxruntime.js';
import { ortOp, ortUnavailable } from './lib/peers/onnxruntime.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', multiple: true }, 'max-time': { type: 'string', default: '2' },
    'no-peers': { type: 'boolean', default: false },
  },
});
const maxTime = Number(args['max-time']);

interface OpBench {
  name: string;
  shape: string;
  make: () => Tensor[];
  run: (inputs: Tensor[]) => Tensor;
  /** The same op on onnxruntime-node (NCHW where ONNX requires it). */
  peer?: () => Promise<OrtOp | null>;
}

const randData = (n: number) => Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
const initializer = (name: string, dims: number[], data = randData(ii.sizeOf(dims))) => ({ name, dims, data });

const rand = (shape: number[], scale = 1) => {
  const n = ii.sizeOf(shape);
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
    run: ([x, w]) => ii.conv2d(x!, w!, { stride: 2, padding: 1 }),
    peer: () => ortOp('Conv', { dims: [1, 3, 224, 224], data: randData(3 * 224 * 224) }, [1, 32, 112, 112],
      [initializer('w', [32, 3, 3, 3])], [{ name: 'strides', ints: [2, 2] }, { name: 'pads', ints: [1, 1, 1, 1] }]) },
  { name: 'conv2d depthwise 3x3 NHWC', shape: '1x56x56x64', make: () => [rand([1, 56, 56, 64]), rand([64, 1, 3, 3])],
    run: ([x, w]) => ii.conv2d(x!, w!, { padding: 1, groups: 64, dataFormat: 'NHWC' }),
    peer: () => ortOp('Conv', { dims: [1, 64, 56, 56], data: randData(64 * 56 * 56) }, [1, 64, 56, 56],
      [initializer('w', [64, 1, 3, 3])], [{ name: 'pads', ints: [1, 1, 1, 1] }, { name: 'group', i: 64 }]) },
  { name: 'linear (MLP fc1)', shape: '3136x64 -> 256', make: () => [rand([1, 56, 56, 64]), rand([256, 64])],
    run: ([x, w]) => ii.linear(x!, w!),
    peer: () => ortOp('Gemm', { dims: [3136, 64], data: randData(3136 * 64) }, [3136, 256],
      [initializer('w', [256, 64])], [{ name: 'transB', i: 1 }]) },
  { name: 'layerNorm', shape: '3136x64', make: () => [rand([1, 56, 56, 64])], run: ([x]) => ii.layerNorm(x!, { eps: 1e-6 }),
    peer: () => ortOp('LayerNormalization', { dims: [3136, 64], data: randData(3136 * 64) }, [3136, 64],
      [initializer('scale', [64], new Float32Array(64).fill(1)), initializer('bias', [64], new Float32Array(64))],
      [{ name: 'axis', i: -1 }, { name: 'epsilon', f: 1e-6 }]) },
  { name: 'gelu', shape: '3136x256', make: () => [rand([1, 56, 56, 256])], run: ([x]) => ii.gelu(x!),
    peer: () => ortOp('Gelu', { dims: [3136, 256], data: randData(3136 * 256) }, [3136, 256]) },
];

/** Times an asynchronous operation with benchmark.js; returns the median in ms and the sample count. */
async function measure(name: string, once: () => Promise<void>): Promise<{ median: number; mean: number; samples: number }> {
  const bench = new Benchmark(name, {
    defer: true,
    maxTime,
    minSamples: 3,
    fn: (d: { resolve: () => void }) => void once().then(() => d.resolve()),
  });
  await new Promise<void>((resolve) => bench.on('complete', () => resolve()).run());
  return { median: medianMs(bench.stats.sample), mean: bench.stats.mean * 1e3, samples: bench.stats.sample.length };
}

const rows: Array<{ backend: string; mode: string; op: string; shape: string; median_ms: number; mean_ms: number; samples: number }> = [];
const report = (backend: string, mode: string, b: OpBench, r: { median: number; mean: number; samples: number }) => {
  rows.push({ backend, mode, op: b.name, shape: b.shape, median_ms: r.median, mean_ms: r.mean, samples: r.samples });
  console.log(`${`${backend}/${mode}`.padEnd(24)} ${b.name.padEnd(28)} ${b.shape.padEnd(20)} median ${r.median.toFixed(2).padStart(9)} ms  (${r.samples} samples)`);
};

await forEachBackend(args.backend, async (backend) => {
  const mode = await backendMode(backend);
  for (const b of BENCHES) {
    const inputs = b.make();
    report(backend, mode, b, await measure(`${b.name} ${b.shape}`, async () => {
      const out = b.run(inputs);
      await out.data();
      out.dispose();
    }));
    ii.dispose(...inputs);
  }
});

if (!args['no-peers']) {
  for (const b of BENCHES) {
    const op = await b.peer?.();
    if (op === null) {
      console.log(`onnxruntime: skipped (${ortUnavailable()})`);
      break;
    }
    if (!op) continue;
    report('onnxruntime', 'cpu, 1 thread', b, await measure(`ort ${b.name}`, op.run));
    await op.release();
  }
  console.log('\nratio to onnxruntime-node (our median / theirs; below 1 is faster):');
  for (const b of BENCHES) {
    const peer = rows.find((r) => r.backend === 'onnxruntime' && r.op === b.name && r.shape === b.shape);
    if (!peer) continue;
    const ours = rows.filter((r) => r.backend !== 'onnxruntime' && r.op === b.name && r.shape === b.shape);
    console.log(`  ${b.name.padEnd(28)} ${ours.map((r) => `${r.backend} ${(r.median_ms / peer.median_ms).toFixed(2)}×`).join('  ')}`);
  }
}
writeResults('ops', rows);
