#!/usr/bin/env node
// GPU smoke test of the addon alone (no CudaBackend): loads it, runs every launch once on small data and compares
// with a plain-JS loop or, where the math is more than a loop (erf/GELU, DCNv3), with the cpu backend's kernels, the
// reference implementation. Prints PASS/FAIL per check and exits non-zero when one fails.
// Run on the GPU machine after `npm run build` (for core and backend-cpu): node packages/backend-cuda/scripts/smoke.mjs
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { TypedArrayBackend, referenceKernels } from '@internimage/backend-cpu/shared';
import { float16ToFloat32 as fromHalf, float32ToFloat16 as toHalf, poisonBits } from '@internimage/core';

const addonPath = fileURLToPath(new URL('../native/build/Release/internimage_cuda.node', import.meta.url));
const cu = createRequire(import.meta.url)(addonPath);
const probe = cu.probe();
if (!probe.ok) {
  console.log(`CUDA backend unavailable: ${probe.reason}`);
  process.exit(1);
}
const info = cu.init();
console.log(`device: ${info.name} (sm ${info.computeCapability}, ${(info.totalMemory / 2 ** 30).toFixed(1)} GiB, ` +
  `runtime ${info.runtimeVersion}, driver ${info.driverVersion})`);

// ---- helpers ----------------------------------------------------------------------------------------------------
/** What fresh outputs hold until a launch writes them: core's poison per dtype; for float16, two NaNs a word. */
const POISON = { float32: poisonBits('float32'), int32: poisonBits('int32'), float16: 0x7e007e00 };
let seed = 12345;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
const randn = (n, scale = 1) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
const live = new Set();
function up(arr) {
  const p = cu.alloc(Math.max(arr.byteLength, 4));
  cu.upload(p, arr);
  live.add(p);
  return p;
}
function out(n, dtype = 'float32') {
  const bytesPer = dtype === 'float16' ? 2 : 4;
  const p = cu.alloc(Math.max(n * bytesPer, 4));
  cu.fill32(p, Math.ceil((n * bytesPer) / 4), POISON[dtype]);
  live.add(p);
  return p;
}
const f32 = (p, n) => new Float32Array(cu.downloadSync(p, n * 4));
const i32 = (p, n) => new Int32Array(cu.downloadSync(p, n * 4));
const u16 = (p, n) => new Uint16Array(cu.downloadSync(p, n * 2));
function relL2(a, b) {
  let num = 0, den = 0;
  for (let i = 0; i < b.length; i++) {
    if (Number.isNaN(a[i]) !== Number.isNaN(b[i])) return Infinity;
    if (Number.isNaN(b[i])) continue;
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
}
let failed = 0;
function check(name, got, want, tol) {
  const err = got.length === want.length ? relL2(got, want) : Infinity;
  const ok = err <= tol;
  if (!ok) failed++;
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name.padEnd(58)} rel L2 ${err.toExponential(2)} (tol ${tol})`);
}
function checkThrows(name, fn, pattern) {
  try {
    fn();
    failed++;
    console.log(`FAIL  ${name}: did not throw`);
  } catch (e) {
    const ok = pattern.test(e.message);
    if (!ok) failed++;
    console.log(`${ok ? 'PASS' : 'FAIL'}  ${name.padEnd(58)} threw "${e.message}"`);
  }
}
function run(name, fn) {
  try {
    fn();
  } catch (e) {
    failed++;
    console.log(`FAIL  ${name}: ${e.stack ?? e}`);
  }
}
const reference = new TypedArrayBackend('cpu', { poison: true });
const referenceKernel = (name) => {
  const config = referenceKernels.find((k) => k.kernelName === name);
  if (!config) throw new Error(`the reference backend has no kernel '${name}'`);
  return config.kernelFunc;
};
/** A cpu kernel on host arrays: inputs are { name: [Float32Array, shape] }. */
function onCpu(kernel, inputs, attrs) {
  const infos = Object.fromEntries(Object.entries(inputs).map(([name, [data, shape]]) =>
    [name, { dataId: reference.write(data, shape, 'float32'), shape, dtype: 'float32' }]));
  const result = referenceKernel(kernel)({ inputs: infos, attrs, backend: reference });
  const values = reference.readSync(result.dataId);
  for (const t of [...Object.values(infos), result]) reference.disposeData(t.dataId);
  return values;
}
const gelu = (x) => onCpu('Unary', { x: [x, [x.length]] }, { op: 'gelu' });

// ---- elementwise ------------------------------------------------------------------------------------------------
run('binary', () => {
  const a = randn(2 * 3 * 4), b = randn(3);
  const pa = up(a), pb = up(b), po = out(24);
  // a [2,3,4] + b [3,1] broadcast
  cu.binary(0, 0, pa, pb, po, [2, 3, 4], [12, 4, 1], [0, 1, 0]);
  check('binary add broadcast [2,3,4]+[3,1]', f32(po, 24), a.map((v, i) => v + b[Math.floor(i / 4) % 3]), 1e-7);
  cu.binary(5, 0, pa, pa, po, [24], [1], [1]);
  check('binary minimum same shape', f32(po, 24), a, 0);
  const ia = Int32Array.from({ length: 12 }, (_, i) => i * 7 - 40), ib = Int32Array.from({ length: 4 }, (_, i) => i - 2);
  const pia = up(ia), pib = up(ib), pio = out(12, 'int32');
  cu.binary(2, 1, pia, pib, pio, [3, 4], [4, 1], [0, 1]);
  check('binary int32 mul broadcast', i32(pio, 12), ia.map((v, i) => v * ib[i % 4]), 0);
});
run('unary', () => {
  const x = randn(1000, 4), px = up(x), po = out(1000);
  cu.unary(7, 0, px, po, 1000);
  check('unary gelu (erf)', f32(po, 1000), gelu(x), 1e-6);
  cu.unary(9, 0, px, po, 1000);
  check('unary sigmoid', f32(po, 1000), x.map((v) => 1 / (1 + Math.exp(-v))), 1e-6);
});
run('cast', () => {
  const x = Float32Array.of(1.7, -1.7, 3e9, -0.2), px = up(x), po = out(4, 'int32');
  cu.cast(0, 1, px, po, 4);
  check('cast float32 -> int32 (truncate, wrap)', i32(po, 4), Int32Array.from(x, (v) => Math.trunc(v)), 0);
});
run('copy', () => {
  const x = randn(2 * 3 * 4), px = up(x), po = out(24);
  // transpose [2,3,4] -> [4,2,3] (perm 2,0,1)
  cu.copy(px, po, 0, 0, [4, 2, 3], [1, 12, 4], [6, 3, 1]);
  const want = new Float32Array(24);
  for (let k = 0; k < 4; k++) for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) want[k * 6 + i * 3 + j] = x[i * 12 + j * 4 + k];
  check('strided copy (transpose)', f32(po, 24), want, 0);
});

// ---- reductions ---------------------------------------------------------------------------------------------------
run('reduce', () => {
  const x = randn(2 * 3 * 4 * 5), px = up(x), po = out(10);
  // sum over axes 1 and 2 of [2,3,4,5]: kept [2,5] strides [60,1], reduced [3,4] -> merged [12] stride 5
  cu.reduce(0, 0, px, po, [2, 5], [60, 1], [12], [5], 12);
  const want = new Float32Array(10);
  for (let n = 0; n < 2; n++) for (let c = 0; c < 5; c++) { let s = 0; for (let r = 0; r < 12; r++) s += x[n * 60 + r * 5 + c]; want[n * 5 + c] = s; }
  check('reduce sum axes [1,2]', f32(po, 10), want, 1e-6);
  const big = randn(100000), pbig = up(big), pm = out(1);
  cu.reduce(2, 0, pbig, pm, [], [], [100000], [1], 100000);
  check('reduce max over 100000 (block per output)', f32(pm, 1), [Math.max(...big)], 0);
  const pa = out(10, 'int32');
  cu.argMax(0, px, pa, 10, 12, 1);
  const wantA = Int32Array.from({ length: 10 }, (_, o) => { let b = 0; for (let k = 1; k < 12; k++) if (x[o * 12 + k] > x[o * 12 + b]) b = k; return b; });
  check('argMax', i32(pa, 10), wantA, 0);
});
run('softmax', () => {
  for (const [lines, len] of [[50, 9], [7, 300]]) {
    const x = randn(lines * len, 5), px = up(x), po = out(lines * len);
    cu.softmax(px, po, lines, len, 1);
    const want = new Float32Array(lines * len);
    for (let l = 0; l < lines; l++) {
      const row = x.subarray(l * len, (l + 1) * len), m = Math.max(...row);
      const e = Array.from(row, (v) => Math.exp(v - m)), s = e.reduce((p, q) => p + q, 0);
      e.forEach((v, k) => { want[l * len + k] = v / s; });
    }
    check(`softmax ${lines} lines of ${len}`, f32(po, lines * len), want, 1e-6);
  }
});
run('layerNorm/batchNorm', () => {
  const rows = 37, cols = 200, x = randn(rows * cols, 3), w = randn(cols), b = randn(cols);
  const px = up(x), pw = up(w), pb = up(b), po = out(rows * cols);
  cu.layerNorm(px, pw, pb, po, rows, cols, 1e-6);
  const want = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = x.subarray(r * cols, (r + 1) * cols);
    const mean = row.reduce((p, q) => p + q, 0) / cols;
    const v = row.reduce((p, q) => p + (q - mean) ** 2, 0) / cols;
    for (let k = 0; k < cols; k++) want[r * cols + k] = ((row[k] - mean) / Math.sqrt(v + 1e-6)) * w[k] + b[k];
  }
  check('layerNorm 37x200', f32(po, rows * cols), want, 1e-6);
  const mean = randn(cols), vr = Float32Array.from(randn(cols), (v) => Math.abs(v) + 0.1);
  const pm = up(mean), pv = up(vr);
  cu.batchNorm(px, pm, pv, pw, pb, po, rows, cols, 1, 1e-5);
  check('batchNorm NHWC-like', f32(po, rows * cols), x.map((v, i) => { const c = i % cols; return (v - mean[c]) / Math.sqrt(vr[c] + 1e-5) * w[c] + b[c]; }), 1e-6);
});

// ---- GEMM ---------------------------------------------------------------------------------------------------------
function linearRef(x, w, bias, M, N, K) {
  const y = new Float32Array(M * N);
  for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
    let s = bias ? bias[n] : 0;
    for (let k = 0; k < K; k++) s += x[m * K + k] * w[n * K + k];
    y[m * N + n] = s;
  }
  return y;
}
const linearArgs = (px, pw, pb, po, M, N, K, mode) => ({
  M, N, K, A: px, sAm: K, sAk: 1, B: pw, sBk: 1, sBn: K, C: po, cRows: M, sCb: 0, sCm: N, sCn: 1, bias: pb,
  epilogue: 0, batchShape: [], batchA: [], batchB: [], batches: 1, sCbatch: 0, mode,
});
run('gemm', () => {
  for (const [M, N, K] of [[3136, 64, 64], [49, 512, 2048], [1000, 300, 37], [5, 7, 3], [300, 1000, 768]]) {
    const x = randn(M * K), w = randn(N * K, 0.1), bias = randn(N);
    const px = up(x), pw = up(w), pb = up(bias), po = out(M * N);
    const want = linearRef(x, w, bias, M, N, K);
    // 3xTF32 splits each operand into a TF32 high part and a TF32 residual; its error grows with K (2.7e-5 at K=2048 on an H200).
    for (const [mode, name, tol] of [[0, 'simt', 1e-5], [2, '3xtf32', 5e-5], [1, 'tf32', 5e-3]]) {
      cu.fill32(po, M * N, POISON.float32);
      cu.gemm(linearArgs(px, pw, pb, po, M, N, K, mode));
      check(`gemm ${name} linear ${M}x${N}x${K}`, f32(po, M * N), want, tol);
    }
  }
  // batched, broadcast A over 3 batches, B row-major [K, N] (sBk = N, sBn = 1), GELU epilogue
  const M = 33, N = 17, K = 29, B = 3;
  const a = randn(M * K), b = randn(B * K * N), pa = up(a), pb = up(b), po = out(B * M * N);
  cu.gemm({ M, N, K, A: pa, sAm: K, sAk: 1, B: pb, sBk: N, sBn: 1, C: po, cRows: M, sCb: 0, sCm: N, sCn: 1, bias: 0,
    epilogue: 1, batchShape: [B], batchA: [0], batchB: [K * N], batches: B, sCbatch: M * N, mode: 0 });
  const want = new Float32Array(B * M * N);
  for (let z = 0; z < B; z++) for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
    let s = 0; for (let k = 0; k < K; k++) s += a[m * K + k] * b[z * K * N + k * N + n];
    want[z * M * N + m * N + n] = s;
  }
  check('gemm simt batched broadcast, B row-major, GELU', f32(po, B * M * N), gelu(want), 1e-5);
});

// ---- convolution and pooling ---------------------------------------------------------------------------------------
function convRef(c, x, w, bias) {
  const o = new Float32Array(c.batch * c.outChannels * c.outH * c.outW), ipg = c.inChannels / c.groups, opg = c.outChannels / c.groups;
  for (let b = 0; b < c.batch; b++) for (let oc = 0; oc < c.outChannels; oc++) for (let oy = 0; oy < c.outH; oy++) for (let ox = 0; ox < c.outW; ox++) {
    let s = bias ? bias[oc] : 0;
    for (let ic = 0; ic < ipg; ic++) for (let ky = 0; ky < c.kH; ky++) for (let kx = 0; kx < c.kW; kx++) {
      const iy = oy * c.strideH - c.padTop + ky * c.dilationH, ix = ox * c.strideW - c.padLeft + kx * c.dilationW;
      if (iy < 0 || iy >= c.inH || ix < 0 || ix >= c.inW) continue;
      s += x[b * c.xsN + (Math.floor(oc / opg) * ipg + ic) * c.xsC + iy * c.xsH + ix * c.xsW] * w[((oc * ipg + ic) * c.kH + ky) * c.kW + kx];
    }
    o[b * c.osN + oc * c.osC + oy * c.osH + ox * c.osW] = s;
  }
  return o;
}
function convCase(name, g, nhwc) {
  const c = { ...g };
  c.outH = Math.floor((c.inH + 2 * c.padTop - (c.dilationH * (c.kH - 1) + 1)) / c.strideH) + 1;
  c.outW = Math.floor((c.inW + 2 * c.padLeft - (c.dilationW * (c.kW - 1) + 1)) / c.strideW) + 1;
  const st = (C, H, W) => (nhwc ? [H * W * C, 1, W * C, C] : [C * H * W, H * W, W, 1]);
  [c.xsN, c.xsC, c.xsH, c.xsW] = st(c.inChannels, c.inH, c.inW);
  [c.osN, c.osC, c.osH, c.osW] = st(c.outChannels, c.outH, c.outW);
  const x = randn(c.batch * c.inChannels * c.inH * c.inW), w = randn(c.outChannels * (c.inChannels / c.groups) * c.kH * c.kW, 0.3), bias = randn(c.outChannels);
  const n = c.batch * c.outChannels * c.outH * c.outW, want = convRef(c, x, w, bias);
  const px = up(x), pw = up(w), pb = up(bias), po = out(n);
  for (const variant of [0, 1]) {
    cu.fill32(po, n, POISON.float32);
    cu.conv2d({ ...c, x: px, w: pw, bias: pb, out: po, variant, gemmMode: 0 });
    check(`conv2d ${name} ${variant ? 'direct' : 'auto'}`, f32(po, n), want, 1e-5);
  }
}
run('conv2d', () => {
  const base = { batch: 2, strideH: 1, strideW: 1, padTop: 1, padLeft: 1, dilationH: 1, dilationW: 1, groups: 1, kH: 3, kW: 3 };
  convCase('stem NCHW 3->32 3x3 s2', { ...base, inChannels: 3, inH: 33, inW: 30, outChannels: 32, strideH: 2, strideW: 2 }, false);
  convCase('downsample NHWC 64->128 3x3 s2', { ...base, inChannels: 64, inH: 14, inW: 14, outChannels: 128, strideH: 2, strideW: 2 }, true);
  convCase('depthwise NHWC 3x3', { ...base, inChannels: 64, inH: 9, inW: 11, outChannels: 64, groups: 64 }, true);
  convCase('depthwise NHWC 5x5', { ...base, inChannels: 40, inH: 9, inW: 7, outChannels: 40, groups: 40, kH: 5, kW: 5, padTop: 2, padLeft: 2 }, true);
  convCase('grouped NHWC dilation 2', { ...base, inChannels: 6, inH: 8, inW: 8, outChannels: 3, groups: 3, dilationH: 2, dilationW: 2, padTop: 2, padLeft: 2 }, true);
  convCase('1x1 NCHW', { ...base, inChannels: 16, inH: 5, inW: 6, outChannels: 24, kH: 1, kW: 1, padTop: 0, padLeft: 0 }, false);
});
run('avgPool2d', () => {
  const p = { batch: 2, channels: 3, inH: 6, inW: 7, kH: 3, kW: 3, strideH: 2, strideW: 2, padTop: 1, padLeft: 1, countIncludePad: 0 };
  p.outH = Math.floor((p.inH + 2 - 3) / 2) + 1; p.outW = Math.floor((p.inW + 2 - 3) / 2) + 1;
  [p.xsN, p.xsC, p.xsH, p.xsW] = [3 * 42, 42, 7, 1];
  [p.osN, p.osC, p.osH, p.osW] = [3 * p.outH * p.outW, p.outH * p.outW, p.outW, 1];
  const x = randn(2 * 3 * 42), n = 2 * 3 * p.outH * p.outW, px = up(x), po = out(n);
  cu.avgPool2d({ ...p, x: px, out: po });
  const want = new Float32Array(n);
  for (let b = 0; b < 2; b++) for (let c = 0; c < 3; c++) for (let oy = 0; oy < p.outH; oy++) for (let ox = 0; ox < p.outW; ox++) {
    let s = 0, k = 0;
    for (let y = oy * 2 - 1; y < oy * 2 + 2; y++) for (let xx = ox * 2 - 1; xx < ox * 2 + 2; xx++) {
      if (y < 0 || y >= 6 || xx < 0 || xx >= 7) continue; s += x[b * 126 + c * 42 + y * 7 + xx]; k++;
    }
    want[((b * 3 + c) * p.outH + oy) * p.outW + ox] = s / k;
  }
  check('avgPool2d NCHW 3x3 s2 p1 exclude pad', f32(po, n), want, 1e-6);
});

// ---- DCNv3 ---------------------------------------------------------------------------------------------------------
/** DCNv3 on the cpu backend (float32 inputs). */
function dcnRef(d, v, off, m) {
  const pixels = [d.batch, d.outH, d.outW], channels = d.group * d.groupChannels;
  return onCpu('DCNv3', {
    value: [v, [d.batch, d.inH, d.inW, channels]],
    offset: [off, [...pixels, d.group * d.points * 2]],
    mask: [m, [...pixels, d.group * d.points]],
  }, { ...d, removeCenter: Boolean(d.removeCenter), outShape: [...pixels, channels] });
}
function dcnGeom(batch, H, W, G, D, o = {}) {
  const k = o.k ?? 3, s = o.stride ?? 1, pad = o.pad ?? 1, dil = o.dil ?? 1, rc = o.removeCenter ?? false;
  const outH = Math.floor((H + 2 * pad - (dil * (k - 1) + 1)) / s) + 1, outW = Math.floor((W + 2 * pad - (dil * (k - 1) + 1)) / s) + 1;
  return { batch, inH: H, inW: W, outH, outW, kernelH: k, kernelW: k, strideH: s, strideW: s, padH: pad, padW: pad, dilationH: dil, dilationW: dil,
    group: G, groupChannels: D, points: k * k - (rc ? 1 : 0), offsetScale: o.scale ?? 1, removeCenter: rc ? 1 : 0 };
}
function dcnInputs(d, offScale = 2) {
  const nOut = d.batch * d.outH * d.outW;
  const v = randn(d.batch * d.inH * d.inW * d.group * d.groupChannels);
  const off = randn(nOut * d.group * d.points * 2, offScale);
  const m = Float32Array.from({ length: nOut * d.group * d.points }, () => rand());
  return { v, off, m, nOutEl: nOut * d.group * d.groupChannels };
}
run('dcnv3', () => {
  const cases = [
    ['T stage-0-like, batch 3', dcnGeom(3, 12, 12, 4, 16)],
    ['D=8 scale 2', dcnGeom(2, 9, 7, 2, 8, { scale: 2 })],
    ['D=30 (float2 path)', dcnGeom(2, 6, 5, 2, 30)],
    ['D=7 (scalar path)', dcnGeom(1, 5, 6, 3, 7)],
    ['stride 2, dilation 2, pad 2', dcnGeom(2, 11, 10, 2, 16, { stride: 2, dil: 2, pad: 2 })],
    ['remove centre', dcnGeom(2, 7, 7, 4, 8, { removeCenter: true })],
    ['kernel 5', dcnGeom(1, 8, 8, 2, 16, { k: 5, pad: 2 })],
    ['D=1025 (many threads per item)', dcnGeom(1, 3, 3, 1, 1025)],
    ['7x7x512 G32 batch 5 (blocks span images)', dcnGeom(5, 7, 7, 32, 16)],
  ];
  for (const [name, d] of cases) {
    const { v, off, m, nOutEl } = dcnInputs(d);
    const want = dcnRef(d, v, off, m);
    const pv = up(v), poff = up(off), pm = up(m), po = out(nOutEl);
    for (const variant of [0, 1]) {
      cu.fill32(po, nOutEl, POISON.float32);
      cu.dcnv3({ ...d, value: pv, offset: poff, mask: pm, out: po, half: 0, variant });
      check(`dcnv3 fp32 ${variant ? 'simple' : 'auto'} ${name}`, f32(po, nOutEl), want, 1e-5);
    }
    const h = (a) => Uint16Array.from(a, toHalf);
    const vh = h(v), offh = h(off), mh = h(m);
    const wantH = dcnRef(d, Float32Array.from(vh, fromHalf), Float32Array.from(offh, fromHalf), Float32Array.from(mh, fromHalf));
    const phv = up(vh), phoff = up(offh), phm = up(mh), pho = out(nOutEl, 'float16');
    for (const variant of [0, 1]) {
      cu.fill32(pho, Math.ceil(nOutEl / 2), POISON.float16);
      cu.dcnv3({ ...d, value: phv, offset: phoff, mask: phm, out: pho, half: 1, variant });
      check(`dcnv3 fp16 ${variant ? 'simple' : 'auto'} ${name}`, Float32Array.from(u16(pho, nOutEl), fromHalf), wantH, 2e-3);
    }
  }
  // The benchmark shapes at batch 64: auto against simple (too large for the reference to be quick).
  for (const [H, C, G] of [[56, 64, 4], [28, 128, 8], [14, 256, 16], [7, 512, 32]]) {
    const d = dcnGeom(64, H, H, G, C / G);
    const { v, off, m, nOutEl } = dcnInputs(d, 1);
    const pv = up(v), poff = up(off), pm = up(m), pa = out(nOutEl), pb = out(nOutEl);
    cu.dcnv3({ ...d, value: pv, offset: poff, mask: pm, out: pa, half: 0, variant: 0 });
    cu.dcnv3({ ...d, value: pv, offset: poff, mask: pm, out: pb, half: 0, variant: 1 });
    check(`dcnv3 fp32 auto vs simple 64x${H}x${H}x${C} G${G}`, f32(pa, nOutEl), f32(pb, nOutEl), 1e-6);
  }
});

// ---- errors ---------------------------------------------------------------------------------------------------------
checkThrows('alloc of 1 PiB is an error, not a crash', () => cu.alloc(2 ** 50), /out of memory allocating/);
run('device usable after out of memory', () => {
  const x = randn(8), px = up(x), po = out(8);
  cu.unary(0, 0, px, po, 8);
  check('unary neg after out-of-memory', f32(po, 8), x.map((v) => -v), 0);
});

for (const p of live) cu.free(p);
cu.synchronize();
const mem = cu.memoryInfo();
console.log(`pool: ${mem.poolUsed} bytes used after freeing everything, ${mem.poolReserved} reserved`);
console.log(failed === 0 ? 'smoke: all checks passed' : `smoke: ${failed} check(s) FAILED`);
process.exit(failed === 0 ? 0 : 1);
