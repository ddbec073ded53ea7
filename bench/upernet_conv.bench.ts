// The UperNet decode head's convolutions on the wasm backend against a plain GEMM of the same M, N, K in the same
// run (M = output pixels, N = out channels, K = in channels · kH · kW), with 1 and 2 threads. The head (mmseg's
// UPerHead, InternImage-T at 512×512, NCHW) spends ~210 GMAC in these convolutions, most of it in the 3×3
// fpn_bottleneck (2048 → 512 at 128×128). Spatial sizes are scaled by --scale (default 0.25, so 32×32 for the
// 1/4-resolution convolutions; 1 gives the real sizes and takes minutes). Prints ms and GFLOP/s per op and the ratio
// conv / GEMM (1.00 = GEMM speed). GFLOP/s* is per CPU second × threads: what the threads did while they ran,
// which a busy machine disturbs less than the wall clock. The one-thread rows also time onnxruntime-node's Conv (one
// thread, MLAS) on the same shape.
// Run: npm run bench:upernet-conv [-- --scale 0.25 --reps 5 --threads 1,2 --only fpn_bottleneck --no-peers]
import v8 from 'node:v8';
import { parseArgs } from 'node:util';
import * as ii from '@internimage/core';
import type { Tensor } from '@internimage/core';
import { gemm, heap, packB, setThreads } from '@internimage/backend-wasm';
import type { Measured } from './lib/alternating.js';
import { measureAlternating } from './lib/alternating.js';
import type { OrtOp } from './lib/peers/onnxruntime.js';
import { ortOp, ortUnavailable } from './lib/peers/onnxruntime.js';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '0.25' }, reps: { type: 'string', default: '5' },
    threads: { type: 'string', default: '1,2' }, only: { type: 'string' }, 'no-peers': { type: 'boolean', default: false },
  },
});
v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
const scale = Number(args.scale);
const reps = Number(args.reps);

interface ConvShape { name: string; cin: number; cout: number; k: number; hw: number }
const at = (hw: number) => Math.max(1, Math.round(hw * scale));
// InternImage-T at 512×512: features 64/128/256/512 channels at 128/64/32/16; head channels 512.
const SHAPES: ConvShape[] = [
  { name: 'fpn_bottleneck 3x3', cin: 2048, cout: 512, k: 3, hw: at(128) },
  { name: 'fpn_convs[0] 3x3', cin: 512, cout: 512, k: 3, hw: at(128) },
  { name: 'fpn_convs[1] 3x3', cin: 512, cout: 512, k: 3, hw: at(64) },
  { name: 'psp bottleneck 3x3', cin: 2560, cout: 512, k: 3, hw: at(16) },
  { name: 'lateral_convs[0] 1x1', cin: 64, cout: 512, k: 1, hw: at(128) },
  { name: 'lateral_convs[2] 1x1', cin: 256, cout: 512, k: 1, hw: at(32) },
  { name: 'conv_seg 1x1', cin: 512, cout: 150, k: 1, hw: at(128) },
];

function randomTensor(shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.random() * 2 - 1;
  return ii.tensor(data, shape);
}

await ii.setBackend('wasm');
const shapes = args.only ? SHAPES.filter((s) => s.name.includes(args.only!)) : SHAPES;
console.log(`wasm conv2d (NCHW, padding k/2, no bias) vs GEMM of the same M,N,K; spatial scale ${scale}, median of ${reps}`);
for (const threads of args.threads.split(',').map(Number)) {
  await setThreads(threads);
  console.log(`\n${threads} thread(s)`);
  const ortHead = threads === 1 && !args['no-peers'] ? '  ---- onnxruntime-node Conv ----  conv/ort' : '';
  const ortCols = ortHead ? '   wall ms GFLOP/s GFLOP/s*   wall   cpu' : '';
  console.log(`                                          ---------- conv ---------- ---------- GEMM ----------  conv/GEMM${ortHead}`);
  console.log(`op                     M×N×K              wall ms GFLOP/s GFLOP/s*  wall ms GFLOP/s GFLOP/s*   wall   cpu${ortCols}`);
  for (const s of shapes) {
    const m = s.hw * s.hw;
    const kk = s.cin * s.k * s.k;
    const flops = 2 * m * s.cout * kk;
    const x = randomTensor([1, s.cin, s.hw, s.hw]);
    const w = randomTensor([s.cout, s.cin, s.k, s.k]);
    const a = heap().floats(heap().alloc(m * kk * 4), m * kk);
    for (let i = 0; i < a.length; i++) a[i] = Math.random() * 2 - 1;
    const b = packB(new Float32Array(kk * s.cout).map(() => Math.random() * 2 - 1), kk, s.cout);
    const c = heap().floats(heap().alloc(m * s.cout * 4), m * s.cout);
    // onnxruntime-node's Conv (one thread) beside the one-thread rows.
    let ort: OrtOp | null | undefined;
    if (threads === 1 && !args['no-peers']) {
      const data = new Float32Array(s.cin * s.hw * s.hw).map(() => Math.random() * 2 - 1);
      const pad = (s.k - 1) / 2;
      ort = await ortOp('Conv', { dims: [1, s.cin, s.hw, s.hw], data }, [1, s.cout, s.hw, s.hw],
        [{ name: 'w', dims: [s.cout, s.cin, s.k, s.k], data: new Float32Array(s.cout * kk).map(() => Math.random() * 2 - 1) }],
        [{ name: 'pads', ints: [pad, pad, pad, pad] }]);
      if (ort === null) console.log(`onnxruntime-node: skipped (${ortUnavailable()})`);
    }
    const [conv, peer, onnx] = await measureAlternating([
      () => ii.conv2d(x, w, { padding: (s.k - 1) / 2 }).dispose(),
      () => gemm(a, b, c, m, s.cout, kk),
      ...(ort ? [ort.run] : []),
    ], reps) as [Measured, Measured, Measured | undefined];
    await ort?.release();
    ii.dispose(x, w);
    heap().release(a.byteOffset, a.byteLength);
    heap().release(c.byteOffset, c.byteLength);
    const gf = (ms: number) => (flops / ms / 1e6).toFixed(1).padStart(7);
    const col = (v: Measured) => `${v.wall.toFixed(1).padStart(8)} ${gf(v.wall)} ${gf(v.cpu / threads)}`;
    const ratios = (p: Measured) => `${(conv.wall / p.wall).toFixed(2).padStart(5)} ${(conv.cpu / p.cpu).toFixed(2).padStart(5)}`;
    console.log(`${s.name.padEnd(22)} ${`${m}×${s.cout}×${kk}`.padEnd(17)}${col(conv)} ${col(peer)}  ${ratios(peer)}` +
      (onnx ? `  ${col(onnx)}  ${ratios(onnx)}` : ''));
  }
}
await setThreads(1);
