// CUDA benchmark: DCNv3 at the four InternImage-T stage shapes, batch 64, float32 and float16 (CUDA-event timing,
// median after warm-up) beside the official DCNv3 / DCNv4 figures measured on an H200, then the whole
// InternImage-T@224 forward pass at batch 1 and 64 (median wall time including readback, images per second), eager
// and replayed as a CUDA graph, with each matmul mode, and the GPU time by op of an eager pass; before it, every
// Linear shape of that pass timed alone in each matmul mode.
// Run: npm run bench:cuda [-- --iterations 100 --passes 20 --no-model]
// Kernel choices follow the INTERNIMAGE_CUDA_* variables (packages/backend-cuda/README.md).
import { parseArgs } from 'node:util';
import * as ii from '@internimage/core';
import type { DCNv3Info, KernelProfile } from '@internimage/core';
import { CudaGraph, DCN_VARIANT_CODE, GEMM_MODE_CODE, cudaUnavailableReason, getCudaDevice } from '@internimage/backend-cuda';
import type { CudaDevice, DcnVariant, Ptr } from '@internimage/backend-cuda';
import { InternImage, variantConfig } from 'internimage';
import { writeResults } from './lib/harness.js';

const { values: args } = parseArgs({
  options: {
    iterations: { type: 'string', default: '200' },
    passes: { type: 'string', default: '30' },
    'no-model': { type: 'boolean', default: false },
  },
});
const iterations = Number(args.iterations);
const passes = Number(args.passes);

const reason = cudaUnavailableReason();
if (reason) {
  console.log(reason);
  process.exit(1);
}
const device = getCudaDevice();
console.log(`device: ${device.info.name} (sm ${device.info.computeCapability}); settings ${JSON.stringify(device.settings)}`);

/** Official DCNv3 and DCNv4 forward times on an H200 (ms, fp32 / fp16), as reported to the project, not re-measured. */
const STAGES = [
  { h: 56, c: 64, g: 4, official: [0.490, 0.493], dcnv4: [0.235, 0.125] },
  { h: 28, c: 128, g: 8, official: [0.248, 0.250], dcnv4: [0.125, 0.069] },
  { h: 14, c: 256, g: 16, official: [0.127, 0.128], dcnv4: [0.072, 0.040] },
  { h: 7, c: 512, g: 32, official: [0.066, 0.067], dcnv4: [0.039, 0.028] },
];
const BATCH = 64;

function geometry(h: number, c: number, g: number): DCNv3Info {
  return {
    batch: BATCH, inH: h, inW: h, outH: h, outW: h, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, padH: 1, padW: 1,
    dilationH: 1, dilationW: 1, group: g, groupChannels: c / g, offsetScale: 1, removeCenter: false, points: 9,
    outShape: [BATCH, h, h, c],
  };
}

function upload(dev: CudaDevice, data: Float32Array | Uint16Array): Ptr {
  const ptr = dev.alloc(data.byteLength, 'bench');
  dev.upload(ptr, data);
  return ptr;
}

function timeDcn(g: DCNv3Info, half: boolean, variant: DcnVariant): number {
  const pixels = g.batch * g.outH * g.outW;
  const n = { value: pixels * g.group * g.groupChannels, offset: pixels * g.group * 18, mask: pixels * g.group * 9 };
  const rnd = (count: number, lo: number, hi: number) => Float32Array.from({ length: count }, () => lo + Math.random() * (hi - lo));
  const asHalf = (a: Float32Array) => Uint16Array.from(a, (v) => ii.float32ToFloat16(v));
  const host = [rnd(n.value, -1, 1), rnd(n.offset, -1, 1), rnd(n.mask, 0, 2 / 9)];
  const [value, offset, mask] = host.map((a) => upload(device, half ? asHalf(a) : a)) as [Ptr, Ptr, Ptr];
  const out = device.alloc(n.value * (half ? 2 : 4), 'bench');
  try {
    const launch = { ...g, value, offset, mask, out, half, variant: DCN_VARIANT_CODE[variant] };
    return device.timeMs(() => device.dcnv3('DCNv3', launch), iterations, 20);
  } finally {
    for (const p of [value, offset, mask, out]) device.free(p);
  }
}

const f = (ms: number) => ms.toFixed(3).padStart(7);
const rows: Array<Record<string, unknown>> = [];
console.log(`\nDCNv3 forward, batch ${BATCH}, k3 p1 s1 d1, offset_scale 1 (ms, median of ${iterations}, CUDA events)`);
console.log('shape            | ours fp32 | ours fp16 | simple fp32 | official fp32/fp16 | DCNv4 fp32/fp16 | vs DCNv4 fp32/fp16');
for (const s of STAGES) {
  const g = geometry(s.h, s.c, s.g);
  const fp32 = timeDcn(g, false, 'auto');
  const fp16 = timeDcn(g, true, 'auto');
  const simple = timeDcn(g, false, 'simple');
  const shape = `${s.h}²×${s.c} G${s.g}`.padEnd(16);
  const ratio = `${(fp32 / s.dcnv4[0]!).toFixed(2)}× / ${(fp16 / s.dcnv4[1]!).toFixed(2)}×`;
  console.log(`${shape} | ${f(fp32)}   | ${f(fp16)}   | ${f(simple)}     | ${f(s.official[0]!)} /${f(s.official[1]!)} | ${f(s.dcnv4[0]!)} /${f(s.dcnv4[1]!)} | ${ratio}`);
  rows.push({ op: 'dcnv3', batch: BATCH, h: s.h, c: s.c, g: s.g, fp32_ms: fp32, fp16_ms: fp16, simple_fp32_ms: simple, official: s.official, dcnv4: s.dcnv4 });
}

// Every Linear of InternImage-T@224 at batch 64 (per stage: input/output projection, offset, mask, MLP fc1 with GELU,
// fc2), timed alone in each matmul mode; "total" weighs each shape by its count in a forward pass.
{
  const DEPTHS = [4, 4, 18, 4];
  console.log(`\nLinear at the InternImage-T@224 batch-${BATCH} shapes (ms, median of ${iterations}, CUDA events; TFLOP/s)`);
  console.log('stage | M×K→N              | count |   simt ms (TF/s) |   tf32 ms (TF/s) | 3xtf32 ms (TF/s)');
  const totals = { simt: 0, tf32: 0, '3xtf32': 0 };
  for (let stage = 0; stage < 4; stage++) {
    const c = 64 << stage, g = 4 << stage, m = BATCH * (3136 >> (2 * stage));
    const shapes: Array<[number, number, number, number]> = [[c, c, 2, 0], [c, 18 * g, 1, 0], [c, 9 * g, 1, 0], [c, 4 * c, 1, 1], [4 * c, c, 1, 0]];
    for (const [k, n, perBlock, epilogue] of shapes) {
      const a = upload(device, Float32Array.from({ length: m * k }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5));
      const w = upload(device, Float32Array.from({ length: n * k }, (_, i) => ((i * 104729) % 1000) / 1000 - 0.5));
      const bias = upload(device, new Float32Array(n).fill(0.1));
      const out = device.alloc(m * n * 4, 'bench');
      const cells: string[] = [];
      const count = perBlock * DEPTHS[stage]!;
      for (const mode of ['simt', 'tf32', '3xtf32'] as const) {
        const ms = device.timeMs(() => device.gemm('Linear', {
          M: m, N: n, K: k, A: a, sAm: k, sAk: 1, B: w, sBk: 1, sBn: k, C: out, cRows: m, sCb: 0, sCm: n, sCn: 1,
          bias, epilogue, batchShape: [], batchA: [], batchB: [], batches: 1, sCbatch: 0, mode: GEMM_MODE_CODE[mode],
        }), Math.min(iterations, 50), 5);
        totals[mode] += ms * count;
        cells.push(`${ms.toFixed(3).padStart(8)} (${(2 * m * n * k / ms / 1e9).toFixed(0).padStart(4)})`);
        rows.push({ op: 'linear', batch: BATCH, m, k, n, gelu: epilogue === 1, gemm: mode, ms, tflops: 2 * m * n * k / ms / 1e9 });
      }
      console.log(`${String(stage + 1).padStart(5)} | ${`${m}×${k}→${n}`.padEnd(18)} | ${String(count).padStart(5)} | ${cells.join(' | ')}`);
      for (const p of [a, w, bias, out]) device.free(p);
    }
  }
  console.log(`total (ms, weighted by count): simt ${totals.simt.toFixed(2)}, tf32 ${totals.tf32.toFixed(2)}, 3xtf32 ${totals['3xtf32'].toFixed(2)}`);
}

if (!args['no-model']) {
  await ii.setBackend('cuda');
  const model = InternImage.random(variantConfig('t'), { seed: 0 });
  const timePasses = async (pass: () => Promise<void>) => {
    for (let i = 0; i < 3; i++) await pass();
    const times: number[] = [];
    for (let i = 0; i < passes; i++) {
      const t0 = performance.now();
      await pass();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { median: times[Math.floor(times.length / 2)]!, min: times[0]! };
  };
  console.log(`\nInternImage-T@224 forward (classify + readback), median of ${passes} passes after 3 warm-up`);
  console.log('batch | matmuls | launch    | median ms | min ms | img/s  | target  | logits rel. L2 vs simt');
  const gemmDefault = device.settings.gemm;
  for (const [batch, target] of [[1, '≤ 6 ms'], [64, '≤ 27 ms']] as const) {
    const shape = [batch, 3, 224, 224];
    const input = ii.tensor(Float32Array.from({ length: batch * 3 * 224 * 224 }, () => Math.random() * 2 - 1), shape);
    const eagerPass = async () => {
      const logits = model.classify(input);
      await logits.data();
      logits.dispose();
    };
    const logitsWith = async (gemm: typeof gemmDefault) => {
      device.settings.gemm = gemm;
      const logits = model.classify(input);
      const data = (await logits.data()) as Float32Array;
      logits.dispose();
      return data;
    };
    const exact = await logitsWith('simt');
    for (const gemm of ['simt', 'tf32', '3xtf32'] as const) {
      const err = ii.relativeL2Error(await logitsWith(gemm), exact);
      const graph = CudaGraph.capture((x) => model.classify(x), shape);
      const graphPass = async () => {
        const logits = graph.run(input);
        await logits.data();
        logits.dispose();
      };
      for (const [launch, pass] of [['eager', eagerPass], ['graph', graphPass]] as const) {
        const { median, min } = await timePasses(pass);
        console.log(`${String(batch).padStart(5)} | ${gemm.padEnd(7)} | ${launch.padEnd(9)} | ${median.toFixed(2).padStart(9)} | ${min.toFixed(2).padStart(6)} | ${(batch / median * 1000).toFixed(0).padStart(6)} | ${target.padEnd(7)} | ${err.toExponential(1)}`);
        rows.push({ op: 'internimage-t-224', batch, gemm, launch, median_ms: median, min_ms: min, img_per_s: batch / median * 1000, logits_rel_l2_vs_simt: err });
      }
      graph.dispose();
    }
    for (const gemm of batch === 1 ? [gemmDefault] : [gemmDefault, 'tf32' as const]) {
      device.settings.gemm = gemm;
      printKernelTimes(`GPU time by kernel, batch ${batch}, matmuls ${gemm}, eager`, (await ii.profile(eagerPass)).kernels);
    }
    device.settings.gemm = gemmDefault;
    input.dispose();
  }
  model.dispose();
}
writeResults('cuda', rows.map((r) => ({ ...r, device: device.info.name, settings: device.settings })));

function printKernelTimes(title: string, kernels: KernelProfile[]): void {
  const total = kernels.reduce((s, k) => s + k.ms, 0);
  const calls = kernels.reduce((s, k) => s + k.calls, 0);
  console.log(`\n${title}: ${calls} kernels, ${total.toFixed(2)} ms of GPU time inside them`);
  for (const k of kernels.slice(0, 14)) {
    console.log(`  ${k.kernel.padEnd(28)} ${String(k.calls).padStart(5)} × ${(k.ms / k.calls * 1000).toFixed(1).padStart(8)} µs = ${k.ms.toFixed(2).padStart(8)} ms (${(k.ms / total * 100).toFixed(1)}%)`);
  }
}
