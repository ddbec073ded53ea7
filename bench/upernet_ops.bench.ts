// The UperNet head's memory-bound ops at InternImage-T 512×512 sizes (NCHW, 150 classes): the logits' resize to the
// input size, softmax and argMax over the classes, a top-down resize and the pyramid pooling, on the wasm and cpu
// backends, beside onnxruntime-node's Resize (linear, pytorch_half_pixel) and Softmax (axis 1) on one thread, measured
// in the same run. Prints median wall ms and CPU ms (this process) per op and our CPU time over onnxruntime's.
// Run: npm run bench:upernet-ops [-- --backend wasm,cpu --reps 5]
import { parseArgs } from 'node:util';
import * as ii from '@internimage/core';
import type { Tensor } from '@internimage/core';
import '@internimage/backend-cpu';
import '@internimage/backend-wasm';
import { measureAlternating } from './lib/alternating.js';
import type { OrtOp } from './lib/peers/onnxruntime.js';
import { ortOp, ortUnavailable } from './lib/peers/onnxruntime.js';

const { values: args } = parseArgs({
  options: { backend: { type: 'string', default: 'wasm,cpu' }, reps: { type: 'string', default: '5' } },
});
const reps = Number(args.reps);

const randData = (n: number) => Float32Array.from({ length: n }, () => Math.random() * 8 - 4);
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

interface OpBench {
  name: string;
  input: number[];
  run: (x: Tensor) => Tensor;
  peer?: (data: Float32Array) => Promise<OrtOp | null>;
}

const resizePeer = (input: number[], output: number[]) => (data: Float32Array) => ortOp('Resize', { dims: input, data }, output,
  [{ name: 'roi', dims: [0], data: new Float32Array(0) }, { name: 'scales', dims: [4], data: Float32Array.from(output, (o, i) => o / input[i]!) }],
  [{ name: 'mode', s: 'linear' }, { name: 'coordinate_transformation_mode', s: 'pytorch_half_pixel' }]);

const BENCHES: OpBench[] = [
  { name: 'resizeBilinear logits 1/4 -> full', input: [1, 150, 128, 128], run: (x) => ii.resizeBilinear(x, [512, 512]),
    peer: resizePeer([1, 150, 128, 128], [1, 150, 512, 512]) },
  { name: 'resizeBilinear top-down 64 -> 128', input: [1, 512, 64, 64], run: (x) => ii.resizeBilinear(x, [128, 128]),
    peer: resizePeer([1, 512, 64, 64], [1, 512, 128, 128]) },
  { name: 'softmax over 150 classes', input: [1, 150, 512, 512], run: (x) => ii.softmax(x, 1),
    peer: (data) => ortOp('Softmax', { dims: [1, 150, 512, 512], data }, [1, 150, 512, 512], [], [{ name: 'axis', i: 1 }]) },
  { name: 'argMax over 150 classes', input: [1, 150, 512, 512], run: (x) => ii.argMax(x, { axis: 1 }) },
  { name: 'adaptiveAvgPool2d 16x16 -> 6', input: [1, 512, 16, 16], run: (x) => ii.adaptiveAvgPool2d(x, 6) },
];

const backends = args.backend.split(',');
console.log(`median of ${reps}; ms wall / ms CPU; ratio = our CPU ms / onnxruntime-node's (below 1 is faster)`);
console.log(`${'op'.padEnd(36)}${'input'.padEnd(18)}${backends.map((b) => b.padStart(18)).join('')}${'onnxruntime'.padStart(18)}  ratio`);
for (const b of BENCHES) {
  const data = randData(size(b.input));
  const inputs: Tensor[] = [];
  for (const backend of backends) {
    await ii.setBackend(backend);
    inputs.push(ii.tensor(data, b.input));
  }
  const ours = backends.map((backend, i) => async () => {
    await ii.setBackend(backend);
    const y = b.run(inputs[i]!);
    await y.data();
    y.dispose();
  });
  const peer = await b.peer?.(data);
  if (peer === null) console.log(`onnxruntime-node: skipped (${ortUnavailable()})`);
  const results = await measureAlternating([...ours, ...(peer ? [peer.run] : [])], reps);
  await peer?.release();
  ii.dispose(...inputs);
  const cell = (r?: { wall: number; cpu: number }) => (r ? `${r.wall.toFixed(0)} / ${r.cpu.toFixed(0)}` : '-').padStart(18);
  const ort = peer ? results[backends.length] : undefined;
  const ratios = ort ? backends.map((name, i) => `${name} ${(results[i]!.cpu / ort.cpu).toFixed(2)}`).join(', ') : '';
  console.log(`${b.name.padEnd(36)}${b.input.join('x').padEnd(18)}${backends.map((_, i) => cell(results[i])).join('')}${cell(ort)}  ${ratios}`);
}
