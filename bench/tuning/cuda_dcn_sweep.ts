// CUDA DCNv3 kernel sweep: every DcnVariant (kernels/cuda/api.h; names in INTERNIMAGE_CUDA_DCN,
// packages/backend-cuda/src/settings.ts) in float32 and float16 at the four InternImage-T stage shapes (batch 64,
// timed with CUDA events, median) plus correctness-only cases (batch 3 at 7²×512 G32, and odd shapes with stride,
// dilation, offset scale, remove_center and large offsets). Each output is compared with the 'simple' kernel's
// float32 output on the same inputs (for float16: the inputs rounded to float16), by relative L2 error:
// PASS at ≤ 1e-5 (float32) / ≤ 1e-2 (float16); a variant is eligible as the best only if it passes every case and,
// in float16, stays ≤ 1e-3. Prints one table, the best variant per shape and precision, a summary per variant over
// the four stages, and writes bench/results/cuda-dcn-<date>.json.
// Run: npm run bench:cuda-dcn [-- --iterations 100 --variants vec,item,pair --cases stage,check]
import { parseArgs } from 'node:util';
import * as ii from '@internimage/core';
import type { DCNv3Info } from '@internimage/core';
import { DCN_VARIANT_CODE, cudaUnavailableReason, getCudaDevice } from '@internimage/backend-cuda';
import type { DcnVariant, Ptr } from '@internimage/backend-cuda';
import { writeResults } from '../lib/harness.js';

/** Every kernel, in DcnArgs.variant order (a name missing from DcnVariant is a type error here). */
const ALL_VARIANTS = ['auto', 'simple', 'vec', 'item', 'pair', 'quad'] as const satisfies readonly DcnVariant[];

const { values: args } = parseArgs({
  options: {
    iterations: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '10' },
    variants: { type: 'string' },
    cases: { type: 'string', default: 'stage,check' },
  },
});
const iterations = Number(args.iterations);
const warmup = Number(args.warmup);
const variants: DcnVariant[] = args.variants
  ? args.variants.split(',').map((v) => {
    if (!(ALL_VARIANTS as readonly string[]).includes(v)) throw new Error(`unknown variant '${v}' (one of ${ALL_VARIANTS.join(', ')})`);
    return v as DcnVariant;
  })
  : [...ALL_VARIANTS];
const wantCases = args.cases.split(',');

const reason = cudaUnavailableReason();
if (reason) {
  console.log(reason);
  process.exit(1);
}
const device = getCudaDevice();
console.log(`device: ${device.info.name} (sm ${device.info.computeCapability})`);

interface Case {
  name: string;
  kind: 'stage' | 'check';
  g: DCNv3Info;
  offsetAmp: number;
  dcnv4?: [number, number];
}

function geometry(batch: number, h: number, w: number, group: number, groupChannels: number, o: {
  k?: number; stride?: number; pad?: number; dilation?: number; offsetScale?: number; removeCenter?: boolean;
} = {}): DCNv3Info {
  const k = o.k ?? 3, stride = o.stride ?? 1, pad = o.pad ?? 1, dilation = o.dilation ?? 1;
  const removeCenter = o.removeCenter ?? false;
  const outH = ii.convOutputSize(h, k, stride, 2 * pad, dilation);
  const outW = ii.convOutputSize(w, k, stride, 2 * pad, dilation);
  return {
    batch, inH: h, inW: w, outH, outW, kernelH: k, kernelW: k, strideH: stride, strideW: stride, padH: pad, padW: pad,
    dilationH: dilation, dilationW: dilation, group, groupChannels, offsetScale: o.offsetScale ?? 1, removeCenter,
    points: k * k - (removeCenter ? 1 : 0), outShape: [batch, outH, outW, group * groupChannels],
  };
}

/** DCNv4 forward on an H200 (ms, fp32 / fp16), as in bench/cuda.bench.ts. */
const ALL_CASES: Case[] = [
  { name: '56²×64 G4', kind: 'stage', g: geometry(64, 56, 56, 4, 16), offsetAmp: 1, dcnv4: [0.235, 0.125] },
  { name: '28²×128 G8', kind: 'stage', g: geometry(64, 28, 28, 8, 16), offsetAmp: 1, dcnv4: [0.125, 0.069] },
  { name: '14²×256 G16', kind: 'stage', g: geometry(64, 14, 14, 16, 16), offsetAmp: 1, dcnv4: [0.072, 0.040] },
  { name: '7²×512 G32', kind: 'stage', g: geometry(64, 7, 7, 32, 16), offsetAmp: 1, dcnv4: [0.039, 0.028] },
  { name: 'b3 7²×512 G32', kind: 'check', g: geometry(3, 7, 7, 32, 16), offsetAmp: 1 },
  {
    name: 'b2 13×11 D8 G3 s2 d2 σ.5 rc', kind: 'check', offsetAmp: 4,
    g: geometry(2, 13, 11, 3, 8, { stride: 2, pad: 1, dilation: 2, offsetScale: 0.5, removeCenter: true }),
  },
  { name: 'b3 9×17 D16 G5 p0 σ2', kind: 'check', offsetAmp: 6, g: geometry(3, 9, 17, 5, 16, { pad: 0, offsetScale: 2 }) },
  { name: 'b2 10² D32 G2 rc', kind: 'check', offsetAmp: 2, g: geometry(2, 10, 10, 2, 32, { removeCenter: true }) },
  { name: 'b2 40×6 D16 G2 Δ±5', kind: 'check', offsetAmp: 5, g: geometry(2, 40, 6, 2, 16) },
  {
    name: 'b2 37×5 D8 G3 s2 d2 σ-1.5 rc', kind: 'check', offsetAmp: 1.5,
    g: geometry(2, 37, 5, 3, 8, { stride: 2, pad: 2, dilation: 2, offsetScale: -1.5, removeCenter: true }),
  },
  { name: 'b2 8² D16 G4 k5 (→ vec)', kind: 'check', offsetAmp: 2, g: geometry(2, 8, 8, 4, 16, { k: 5, pad: 2 }) },
];
const CASES = ALL_CASES.filter((c) => wantCases.includes(c.kind));

/** What dcnv3.cu launches for a variant (mirrors launchFast's preconditions), for the table only. */
function plan(variant: DcnVariant, g: DCNv3Info, half: boolean): string {
  const asked: Partial<Record<DcnVariant, number>> = { auto: half ? 1 : 4, item: 1, pair: 2, quad: 4 };
  if (variant === 'simple') return 'scalar';
  const size = half ? 2 : 4, D = g.groupChannels;
  const vecPlan = () => `vec${D % (half ? 8 : 4) === 0 ? (half ? 8 : 4) : D % 2 === 0 ? 2 : 1}`;
  let tpi = asked[variant];
  if (tpi === undefined || g.kernelH !== 3 || g.kernelW !== 3) return vecPlan();
  while (D % tpi === 0 && (D / tpi) * size > 64) tpi *= 2;
  const bytes = (D / tpi) * size;
  if (D % tpi !== 0 || tpi > 256 || bytes % 16 !== 0 || ![16, 32, 64].includes(bytes)) return vecPlan();
  return `t${tpi}×${bytes / 16}c`;
}

/** Deterministic uniform numbers (mulberry32). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** float16 bits → float32, by a table (ii.float16ToFloat32 per element is too slow for 10⁷ elements). */
const HALF_TO_FLOAT = Float32Array.from({ length: 65536 }, (_, h) => ii.float16ToFloat32(h));
function fromHalf(h: Uint16Array): Float32Array {
  const out = new Float32Array(h.length);
  for (let i = 0; i < h.length; i++) out[i] = HALF_TO_FLOAT[h[i]!]!;
  return out;
}

/** float32 → float16 bits, round to nearest even (as ii.float32ToFloat16, checked below), on the raw bits. */
function toHalf(a: Float32Array): Uint16Array {
  const bits = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const out = new Uint16Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const b = bits[i]!;
    const sign = (b >>> 16) & 0x8000, exp = (b >>> 23) & 0xff;
    let mant = b & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0);
      continue;
    }
    const e = exp - 112;  // float16 biased exponent
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00;
    } else if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      mant |= 0x800000;
      const shift = 14 - e, half = 1 << (shift - 1), rem = mant & ((1 << shift) - 1);
      let h = mant >>> shift;
      if (rem > half || (rem === half && (h & 1))) h++;
      out[i] = sign | h;
    } else {
      let h = (e << 10) | (mant >>> 13);
      const rem = mant & 0x1fff;
      if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h++;
      out[i] = sign | h;
    }
  }
  return out;
}
{
  const probe = Float32Array.from([0, -0, 1, -1, 65504, 65519, 65520, 1e-8, 5.96e-8, 2.98e-8, 3e-8, 6.1e-5, 6.09e-5, 1 + 2 ** -11,
    1 + 3 * 2 ** -11, NaN, Infinity, -Infinity, 1e30, ...Array.from({ length: 4096 }, (_, i) => Math.sin(i * 12.9898) * 10 ** ((i % 13) - 8))]);
  const mine = toHalf(probe);
  probe.forEach((v, i) => {
    const want = ii.float32ToFloat16(v);
    if (mine[i] !== want && !(Number.isNaN(v) && (want & 0x7c00) === 0x7c00 && (want & 0x3ff) !== 0)) {
      throw new Error(`toHalf(${v}) = ${mine[i]!.toString(16)}, ii.float32ToFloat16 = ${want.toString(16)}`);
    }
  });
}

function relL2(got: Float32Array, ref: Float32Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = got[i]! - ref[i]!;
    num += d * d;
    den += ref[i]! * ref[i]!;
  }
  return Math.sqrt(num / (den || 1));
}

const allocs: Ptr[] = [];
function upload(data: Float32Array | Uint16Array): Ptr {
  const ptr = device.alloc(Math.ceil(data.byteLength / 16) * 16, 'bench');
  allocs.push(ptr);
  device.upload(ptr, data);
  return ptr;
}
function freeAll(): void {
  for (const p of allocs.splice(0)) device.free(p);
}

interface Row {
  case: string; kind: string; variant: DcnVariant; precision: 'fp32' | 'fp16'; plan: string;
  ms: number | null; relErr: number | null; pass: boolean; error?: string;
}
const rows: Row[] = [];
const TOL = { fp32: 1e-5, fp16: 1e-2 };
const BEST_TOL = { fp32: 1e-5, fp16: 1e-3 };
const t0 = performance.now();

/** Runs every variant on one case; a failure outside a variant (e.g. a broken context) aborts only the case. */
function runCase(c: Case): void {
  const g = c.g;
  const pixels = g.batch * g.outH * g.outW;
  const nOut = pixels * g.group * g.groupChannels;
  const n = { value: g.batch * g.inH * g.inW * g.group * g.groupChannels, offset: pixels * g.group * g.points * 2, mask: pixels * g.group * g.points };
  const next = rng(0x5eed + rows.length);
  const fill = (count: number, lo: number, hi: number) => {
    const a = new Float32Array(count);
    for (let i = 0; i < count; i++) a[i] = lo + next() * (hi - lo);
    return a;
  };
  const host32 = [fill(n.value, -1, 1), fill(n.offset, -c.offsetAmp, c.offsetAmp), fill(n.mask, 0, 2 / 9)];
  if (c.kind === 'check') {
    // Far-away, non-finite and edge offsets: every kernel must skip them exactly like the reference.
    const off = host32[1]!;
    off[0] = NaN; off[3] = 1e30; off[5] = -1e30; off[8] = Infinity; off[11] = -Infinity; off[off.length - 1] = 1e9;
    off[off.length - 4] = g.inW - 1e-3;
  }
  const host16 = host32.map(toHalf);
  const rounded = host16.map(fromHalf);
  const in32 = host32.map(upload) as [Ptr, Ptr, Ptr];
  const in16 = host16.map(upload) as [Ptr, Ptr, Ptr];
  const inRounded = rounded.map(upload) as [Ptr, Ptr, Ptr];
  const out32 = device.alloc(Math.ceil(nOut * 4 / 16) * 16, 'bench');
  const out16 = device.alloc(Math.ceil(nOut * 2 / 16) * 16, 'bench');
  allocs.push(out32, out16);
  const launchOf = (ins: [Ptr, Ptr, Ptr], out: Ptr, half: boolean, v: DcnVariant) =>
    ({ ...g, value: ins[0], offset: ins[1], mask: ins[2], out, half, variant: DCN_VARIANT_CODE[v] });
  const reference = (ins: [Ptr, Ptr, Ptr]) => {
    device.dcnv3('DCNv3', launchOf(ins, out32, false, 'simple'));
    return new Float32Array(device.downloadSync(out32, nOut * 4));
  };
  const ref32 = reference(in32);
  const ref16 = reference(inRounded);

  for (const v of variants) {
    for (const precision of ['fp32', 'fp16'] as const) {
      const half = precision === 'fp16';
      const out = half ? out16 : out32;
      const launch = launchOf(half ? in16 : in32, out, half, v);
      const row: Row = { case: c.name, kind: c.kind, variant: v, precision, plan: plan(v, g, half), ms: null, relErr: null, pass: false };
      try {
        device.fill32('bench', out, Math.ceil(nOut * (half ? 2 : 4) / 4), half ? 0x7e007e00 : 0x7fc00000);  // NaN
        device.dcnv3('DCNv3', launch);
        const raw = device.downloadSync(out, nOut * (half ? 2 : 4));
        const got = half ? fromHalf(new Uint16Array(raw)) : new Float32Array(raw);
        row.relErr = relL2(got, half ? ref16 : ref32);
        row.pass = row.relErr <= TOL[precision];
        if (c.kind === 'stage') row.ms = device.timeMs(() => device.dcnv3('DCNv3', launch), iterations, warmup);
      } catch (e) {
        row.error = e instanceof Error ? e.message : String(e);
      }
      rows.push(row);
    }
  }
}

for (const c of CASES) {
  const t = performance.now();
  try {
    runCase(c);
  } catch (e) {
    console.log(`case ${c.name} aborted: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    try {
      freeAll();
    } catch (e) {
      allocs.length = 0;
      console.log(`freeing after ${c.name} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  console.log(`${c.name}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

// ---- report ----
const ms = (x: number | null) => (x === null ? '     -' : x.toFixed(4).padStart(6));
const err = (x: number | null) => (x === null ? '       -' : x.toExponential(1).padStart(8));
console.log(`\nDCNv3 sweep on ${device.info.name}: ms = median of ${iterations} (CUDA events); err = relative L2 vs 'simple' fp32`);
console.log(`PASS: fp32 ≤ ${TOL.fp32}, fp16 ≤ ${TOL.fp16}. plan: t<threads per item>×<16-byte chunks>c, vecN = vectorised fallback`);
console.log(`${'case'.padEnd(28)} | ${'variant'.padEnd(9)} | ${'plan fp32'.padEnd(14)} | fp32 ms |  err32   | ${'plan fp16'.padEnd(14)} | fp16 ms |  err16   | status`);
for (const c of CASES) {
  for (const v of variants) {
    const r32 = rows.find((r) => r.case === c.name && r.variant === v && r.precision === 'fp32');
    const r16 = rows.find((r) => r.case === c.name && r.variant === v && r.precision === 'fp16');
    if (!r32 || !r16) {
      console.log(`${c.name.padEnd(28)} | ${v.padEnd(9)} | not run`);
      continue;
    }
    const status = r32.pass && r16.pass ? 'PASS' : `FAIL${r32.pass ? '' : ' fp32'}${r16.pass ? '' : ' fp16'}`;
    console.log(`${c.name.padEnd(28)} | ${v.padEnd(9)} | ${r32.plan.padEnd(14)} | ${ms(r32.ms)}  | ${err(r32.relErr)} | ${r16.plan.padEnd(14)} | ${ms(r16.ms)}  | ${err(r16.relErr)} | ${status}`);
    for (const r of [r32, r16]) if (r.error) console.log(`    ${r.precision} error: ${r.error}`);
  }
}

/** A variant is eligible in a precision if it ran and passed every case (BEST_TOL: fp16 ≤ 1e-3). */
const eligible = (v: DcnVariant, p: 'fp32' | 'fp16') => CASES.every((c) => {
  const r = rows.find((x) => x.case === c.name && x.variant === v && x.precision === p);
  return r !== undefined && !r.error && r.relErr !== null && r.relErr <= BEST_TOL[p];
});
const summary: Array<Record<string, unknown>> = [];
console.log(`\nbest eligible variant per stage shape (passes every case; fp16 also ≤ ${BEST_TOL.fp16}):`);
for (const c of CASES.filter((x) => x.kind === 'stage')) {
  for (const p of ['fp32', 'fp16'] as const) {
    const cands = rows.filter((r) => r.case === c.name && r.precision === p && r.ms !== null && eligible(r.variant, p));
    const vec = rows.find((r) => r.case === c.name && r.precision === p && r.variant === 'vec');
    const best = cands.sort((a, b) => a.ms! - b.ms!)[0];
    const v4 = c.dcnv4![p === 'fp32' ? 0 : 1];
    if (!best) {
      console.log(`  ${c.name.padEnd(12)} ${p}: none`);
      continue;
    }
    const vsVec = vec?.ms ? ` (${(best.ms! / vec.ms).toFixed(2)}× vec ${vec.ms.toFixed(4)})` : '';
    console.log(`  ${c.name.padEnd(12)} ${p}: ${best.variant.padEnd(9)} ${best.ms!.toFixed(4)} ms${vsVec}, DCNv4 ${v4.toFixed(3)} → ${(best.ms! / v4).toFixed(2)}× ${best.ms! <= v4 ? 'AT/BELOW DCNv4' : 'above DCNv4'}`);
    summary.push({ case: c.name, precision: p, best: best.variant, ms: best.ms, vec_ms: vec?.ms ?? null, dcnv4_ms: v4 });
  }
}

console.log('\nper variant over the four stages: sum of ms, shapes at or below DCNv4, eligible');
for (const p of ['fp32', 'fp16'] as const) {
  const stages = CASES.filter((x) => x.kind === 'stage');
  if (stages.length === 0) break;
  const lines = variants.map((v) => {
    const ts = stages.map((c) => rows.find((r) => r.case === c.name && r.variant === v && r.precision === p)?.ms ?? null);
    const total = ts.every((t) => t !== null) ? ts.reduce((sum, t) => sum + t!, 0) : Infinity;
    const beats = ts.filter((t, i) => t !== null && t <= stages[i]!.dcnv4![p === 'fp32' ? 0 : 1]).length;
    return { v, total, beats, ok: eligible(v, p), ts };
  }).sort((a, b) => a.total - b.total);
  for (const l of lines) {
    const per = l.ts.map((t) => ms(t)).join(' ');
    console.log(`  ${p} ${l.v.padEnd(9)} ${Number.isFinite(l.total) ? l.total.toFixed(4) : '     -'} ms  [${per}]  ${l.beats}/${stages.length} ≤ DCNv4  ${l.ok ? 'eligible' : 'NOT eligible'}`);
  }
  const top = lines.find((l) => l.ok && Number.isFinite(l.total));
  if (top) {
    console.log(`  → fastest eligible single ${p} variant over the four stages: ${top.v} (${top.beats}/${stages.length} at or below DCNv4)`);
    summary.push({ overall: true, precision: p, best: top.v, total_ms: top.total, at_or_below_dcnv4: top.beats });
  }
}
console.log(`\nsweep took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
writeResults('cuda-dcn', [...rows, ...summary.map((s) => ({ summary: true, ...s }))].map((r) => ({ ...r, device: device.info.name })));
