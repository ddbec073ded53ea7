// A JavaScript stand-in for the CUDA addon that follows the launch contracts of kernels/cuda/api.h with plain loops.
// It lets the TypeScript side of the CUDA backend (argument and stride construction, buffer bookkeeping) run the
// shared op cases on machines without a GPU. Float32 only for DCNv3; no timing.
import type { Addon, ConvLaunch, DcnLaunch, GemmLaunch, PoolLaunch, ResampleLaunch } from '@internimage/backend-cuda';

/** Row-major walk of shape; visit gets the flat index and the offsets along each stride set. */
function walk(shape: number[], sets: number[][], visit: (i: number, offs: number[]) => void): void {
  const total = shape.reduce((a, b) => a * b, 1);
  for (let i = 0; i < total; i++) {
    const offs = sets.map(() => 0);
    let t = i;
    for (let d = shape.length - 1; d >= 0; d--) {
      const c = t % shape[d]!;
      t = Math.floor(t / shape[d]!);
      sets.forEach((s, k) => { offs[k]! += c * s[d]!; });
    }
    visit(i, offs);
  }
}

const erf = (x: number): number => {
  const ax = Math.abs(x);
  if (ax < 2) { let t = x, s = x; for (let n = 1; n < 100; n++) { t *= -x * x / n; s += t / (2 * n + 1); } return 2 / Math.sqrt(Math.PI) * s; }
  if (ax > 6) return Math.sign(x);
  let f = ax; for (let k = 60; k >= 1; k--) f = ax + k / 2 / f;
  return Math.sign(x) * (1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f);
};
const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const UNARY: Array<(x: number) => number> = [
  (x) => -x, Math.abs, Math.exp, Math.log, Math.sqrt, (x) => 1 / Math.sqrt(x), (x) => (x !== x ? x : Math.max(x, 0)),
  (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  sigmoid, (x) => x * sigmoid(x), Math.tanh, erf,
];
const BINARY: Array<(a: number, b: number) => number> = [
  (a, b) => a + b, (a, b) => a - b, (a, b) => a * b, (a, b) => a / b,
  (a, b) => (a !== a || b !== b ? NaN : Math.max(a, b)), (a, b) => (a !== a || b !== b ? NaN : Math.min(a, b)), Math.pow,
];

/** Calls that enqueue device work: recorded, not run, while a graph is being captured. */
const LAUNCHES = [
  'fill32', 'binary', 'unary', 'cast', 'copy', 'reduce', 'argMax', 'softmax', 'layerNorm', 'batchNorm', 'gemm',
  'conv2d', 'avgPool2d', 'dcnv3',
  'resizeBilinear', 'adaptiveAvgPool2d',
] as const;
const REFUSED_IN_CAPTURE = ['upload', 'download', 'downloadSync', 'synchronize', 'trimPool', 'eventElapsed'] as const;

/**
 * Stream capture as the addon does it: launches are recorded and replayed by graphLaunch; buffers allocated during
 * the capture belong to the graph (they must be freed in it, and stay allocated for replays); buffers allocated
 * before it and freed during it are freed when it ends; host copies and waits throw.
 */
function withGraphs(base: EmulatedAddon): EmulatedAddon {
  let recording: Array<() => void> | null = null;
  let captured = new Set<number>();
  let deferred: number[] = [];
  const graphs = new Map<number, { steps: Array<() => void>; owned: number[] }>();
  let owned: number[] = [];
  let nextGraph = 1;
  const a = { ...base };
  const w = a as unknown as Record<string, (...args: unknown[]) => unknown>;
  const b = base as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of LAUNCHES) {
    w[name] = (...args: unknown[]) => (recording ? void recording.push(() => b[name]!(...args)) : b[name]!(...args));
  }
  for (const name of REFUSED_IN_CAPTURE) {
    w[name] = (...args: unknown[]) => {
      if (recording) throw new Error(`${name} is not allowed while a CUDA graph is being captured`);
      return b[name]!(...args);
    };
  }
  a.alloc = (bytes: number) => {
    const p = base.alloc(bytes);
    if (recording) { captured.add(p); owned.push(p); }
    return p;
  };
  a.free = (p: number) => {
    if (!recording) return base.free(p);
    if (!captured.delete(p)) deferred.push(p);
  };
  const finish = () => {
    recording = null;
    for (const p of deferred) base.free(p);
    deferred = [];
    const live = captured.size;
    captured = new Set();
    return live;
  };
  a.captureBegin = () => {
    if (recording) throw new Error('captureBegin is not allowed while a CUDA graph is being captured');
    recording = [];
    owned = [];
  };
  a.captureEnd = () => {
    if (!recording) throw new Error('captureEnd without captureBegin');
    const steps = recording;
    const live = finish();
    if (live > 0) {
      for (const p of owned) base.free(p);
      throw new Error(`${live} device buffers allocated during the capture were not freed in it`);
    }
    graphs.set(nextGraph, { steps, owned });
    return nextGraph++;
  };
  a.captureAbort = () => {
    if (!recording) return;
    finish();
    for (const p of owned) base.free(p);
  };
  a.graphLaunch = (g: number) => {
    if (recording) throw new Error('graphLaunch is not allowed while a CUDA graph is being captured');
    const graph = graphs.get(g);
    if (!graph) throw new Error(`emulator: no graph ${g}`);
    for (const step of graph.steps) step();
  };
  a.graphDestroy = (g: number) => {
    const graph = graphs.get(g);
    if (!graph) throw new Error(`emulator: no graph ${g}`);
    for (const p of graph.owned) base.free(p);
    graphs.delete(g);
  };
  return a;
}

type EmulatedAddon = Addon & { liveBuffers(): number };

export function createEmulatedAddon(): EmulatedAddon {
  return withGraphs(createPlainAddon());
}

function createPlainAddon(): EmulatedAddon {
  const mem = new Map<number, ArrayBuffer>();
  let next = 256;
  const buf = (p: number) => {
    const b = mem.get(p);
    if (!b) throw new Error(`emulator: no buffer at ${p}`);
    return b;
  };
  const f32 = (p: number) => new Float32Array(buf(p));
  const view = (p: number, dtype: number) => (dtype === 1 ? new Int32Array(buf(p)) : new Float32Array(buf(p)));
  return {
    liveBuffers: () => mem.size,
    probe: () => ({ ok: true, count: 1 }),
    init: () => ({ name: 'emulator', computeCapability: '9.0', totalMemory: 2 ** 34, multiprocessors: 1, runtimeVersion: 0, driverVersion: 0 }),
    alloc(bytes) {
      if (bytes > 2 ** 32) throw new Error(`out of memory allocating ${bytes} bytes`);
      const p = next;
      next += Math.ceil(Math.max(bytes, 1) / 256) * 256 + 256;
      mem.set(p, new ArrayBuffer(Math.max(bytes, 4)));
      return p;
    },
    free(p) { if (!mem.delete(p)) throw new Error(`emulator: double free of ${p}`); },
    upload(p, v) { new Uint8Array(buf(p)).set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)); },
    download: (p, bytes) => Promise.resolve(buf(p).slice(0, bytes)),
    downloadSync: (p, bytes) => buf(p).slice(0, bytes),
    synchronize() {},
    memoryInfo: () => ({ poolUsed: [...mem.values()].reduce((n, b) => n + b.byteLength, 0), poolReserved: 0, deviceFree: 0, deviceTotal: 0 }),
    trimPool() {},
    eventCreate: () => 1,
    eventRecord() {},
    eventElapsed: () => 0,
    eventDestroy() {},
    captureBegin() { throw new Error('emulator: graphs are added by withGraphs'); },
    captureEnd() { throw new Error('emulator: graphs are added by withGraphs'); },
    captureAbort() {},
    graphLaunch() { throw new Error('emulator: graphs are added by withGraphs'); },
    graphDestroy() {},
    fill32(p, n, bits) { new Uint32Array(buf(p)).fill(bits, 0, n); },
    binary(op, dtype, a, b, out, shape, sa, sb) {
      const av = view(a, dtype), bv = view(b, dtype), ov = view(out, dtype);
      walk(shape, [sa, sb], (i, [oa, ob]) => { ov[i] = BINARY[op]!(av[oa!]!, bv[ob!]!); });
    },
    unary(op, dtype, x, out, n) {
      const xv = view(x, dtype), ov = view(out, dtype);
      for (let i = 0; i < n; i++) ov[i] = UNARY[op]!(xv[i]!);
    },
    cast(from, to, x, out, n) {
      const xv = view(x, from), ov = view(out, to);
      for (let i = 0; i < n; i++) ov[i] = to === 1 ? Math.trunc(xv[i]!) : xv[i]!;
    },
    copy(src, dst, so, dO, shape, ss, ds) {
      const sv = new Uint32Array(buf(src)), dv = new Uint32Array(buf(dst));
      walk(shape, [ss, ds], (_, [a, b]) => { dv[dO + b!] = sv[so + a!]!; });
    },
    reduce(op, dtype, x, out, keptShape, keptStrides, redShape, redStrides, count) {
      const xv = view(x, dtype), ov = view(out, dtype);
      walk(keptShape, [keptStrides], (o, [base]) => {
        let acc = op === 2 ? -Infinity : op === 3 ? Infinity : 0;
        if (count > 0) {
          walk(redShape, [redStrides], (_, [off]) => {
            const v = xv[base! + off!]!;
            acc = op <= 1 ? acc + v : acc !== acc || v !== v ? NaN : op === 2 ? Math.max(acc, v) : Math.min(acc, v);
          });
        }
        ov[o] = op === 1 ? acc / count : acc;
      });
    },
    argMax(dtype, x, out, outer, length, inner) {
      const xv = view(x, dtype), ov = new Int32Array(buf(out));
      for (let line = 0; line < outer * inner; line++) {
        const base = Math.floor(line / inner) * length * inner + (line % inner);
        let best = 0, bestV = xv[base]!;
        for (let k = 1; k < length; k++) {
          const v = xv[base + k * inner]!;
          if (bestV === bestV && (v > bestV || v !== v)) { best = k; bestV = v; }
        }
        ov[line] = best;
      }
    },
    softmax(x, out, outer, length, inner) {
      const xv = f32(x), ov = f32(out);
      for (let line = 0; line < outer * inner; line++) {
        const base = Math.floor(line / inner) * length * inner + (line % inner);
        let m = -Infinity, s = 0;
        for (let k = 0; k < length; k++) m = Math.max(m, xv[base + k * inner]!);
        for (let k = 0; k < length; k++) s += Math.exp(xv[base + k * inner]! - m);
        for (let k = 0; k < length; k++) ov[base + k * inner] = Math.exp(xv[base + k * inner]! - m) / s;
      }
    },
    layerNorm(x, w, b, out, rows, cols, eps) {
      const xv = f32(x), ov = f32(out), wv = w ? f32(w) : null, bv = b ? f32(b) : null;
      for (let r = 0; r < rows; r++) {
        let mean = 0, sq = 0;
        for (let k = 0; k < cols; k++) mean += xv[r * cols + k]!;
        mean /= cols;
        for (let k = 0; k < cols; k++) sq += (xv[r * cols + k]! - mean) ** 2;
        const inv = 1 / Math.sqrt(sq / cols + eps);
        for (let k = 0; k < cols; k++) ov[r * cols + k] = (xv[r * cols + k]! - mean) * inv * (wv ? wv[k]! : 1) + (bv ? bv[k]! : 0);
      }
    },
    batchNorm(x, mean, variance, w, b, out, outer, channels, inner, eps) {
      const xv = f32(x), ov = f32(out), mv = f32(mean), vv = f32(variance), wv = w ? f32(w) : null, bv = b ? f32(b) : null;
      for (let i = 0; i < outer * channels * inner; i++) {
        const c = Math.floor(i / inner) % channels;
        const scale = (wv ? wv[c]! : 1) / Math.sqrt(vv[c]! + eps);
        ov[i] = xv[i]! * scale + (bv ? bv[c]! : 0) - mv[c]! * scale;
      }
    },
    gemm(g: GemmLaunch) {
      const a = f32(g.A), b = f32(g.B), c = f32(g.C), bias = g.bias ? f32(g.bias) : null;
      walk(g.batchShape, [g.batchA, g.batchB], (z, [oa, ob]) => {
        for (let m = 0; m < g.M; m++) for (let n = 0; n < g.N; n++) {
          let s = 0;
          for (let k = 0; k < g.K; k++) s += a[oa! + m * g.sAm + k * g.sAk]! * b[ob! + k * g.sBk + n * g.sBn]!;
          if (bias) s += bias[n]!;
          if (g.epilogue === 1) s = UNARY[7]!(s);
          c[z * g.sCbatch + Math.floor(m / g.cRows) * g.sCb + (m % g.cRows) * g.sCm + n * g.sCn] = s;
        }
      });
    },
    conv2d(c: ConvLaunch) {
      const x = f32(c.x), w = f32(c.w), o = f32(c.out), bias = c.bias ? f32(c.bias) : null;
      const ipg = c.inC / c.groups, opg = c.outC / c.groups;
      for (let b = 0; b < c.batch; b++) for (let oc = 0; oc < c.outC; oc++) for (let oy = 0; oy < c.outH; oy++) for (let ox = 0; ox < c.outW; ox++) {
        let s = bias ? bias[oc]! : 0;
        for (let ic = 0; ic < ipg; ic++) for (let ky = 0; ky < c.kH; ky++) for (let kx = 0; kx < c.kW; kx++) {
          const iy = oy * c.strideH - c.padTop + ky * c.dilH, ix = ox * c.strideW - c.padLeft + kx * c.dilW;
          if (iy < 0 || iy >= c.inH || ix < 0 || ix >= c.inW) continue;
          s += x[b * c.xsN + (Math.floor(oc / opg) * ipg + ic) * c.xsC + iy * c.xsH + ix * c.xsW]! * w[((oc * ipg + ic) * c.kH + ky) * c.kW + kx]!;
        }
        o[b * c.osN + oc * c.osC + oy * c.osH + ox * c.osW] = s;
      }
    },
    avgPool2d(p: PoolLaunch) {
      const x = f32(p.x), o = f32(p.out);
      for (let b = 0; b < p.batch; b++) for (let c = 0; c < p.channels; c++) for (let oy = 0; oy < p.outH; oy++) for (let ox = 0; ox < p.outW; ox++) {
        const y0 = oy * p.strideH - p.padTop, x0 = ox * p.strideW - p.padLeft;
        let s = 0, inside = 0;
        for (let y = Math.max(y0, 0); y < Math.min(y0 + p.kH, p.inH); y++) for (let xx = Math.max(x0, 0); xx < Math.min(x0 + p.kW, p.inW); xx++) {
          s += x[b * p.xsN + c * p.xsC + y * p.xsH + xx * p.xsW]!; inside++;
        }
        o[b * p.osN + c * p.osC + oy * p.osH + ox * p.osW] = s / (p.countIncludePad ? p.kH * p.kW : inside);
      }
    },
    resizeBilinear(p: ResampleLaunch) {
      const x = f32(p.x), o = f32(p.out);
      const taps = (d: number, inSize: number, scale: number) => {
        const src = p.alignCorners ? Math.fround(scale * d) : Math.max(Math.fround(Math.fround(scale * (d + 0.5)) - 0.5), 0);
        const i0 = Math.min(Math.trunc(src), inSize - 1);
        return [i0, Math.min(i0 + 1, inSize - 1), src - i0] as const;
      };
      for (let b = 0; b < p.batch; b++) for (let c = 0; c < p.channels; c++) for (let oy = 0; oy < p.outH; oy++) for (let ox = 0; ox < p.outW; ox++) {
        const [y0, y1, ly] = taps(oy, p.inH, p.scaleH), [x0, x1, lx] = taps(ox, p.inW, p.scaleW);
        const at = (y: number, xx: number) => x[b * p.xsN + c * p.xsC + y * p.xsH + xx * p.xsW]!;
        o[b * p.osN + c * p.osC + oy * p.osH + ox * p.osW] =
          (1 - ly) * ((1 - lx) * at(y0, x0) + lx * at(y0, x1)) + ly * ((1 - lx) * at(y1, x0) + lx * at(y1, x1));
      }
    },
    adaptiveAvgPool2d(p: ResampleLaunch) {
      const x = f32(p.x), o = f32(p.out);
      for (let b = 0; b < p.batch; b++) for (let c = 0; c < p.channels; c++) for (let oy = 0; oy < p.outH; oy++) for (let ox = 0; ox < p.outW; ox++) {
        const y0 = Math.floor(oy * p.inH / p.outH), y1 = Math.ceil((oy + 1) * p.inH / p.outH);
        const x0 = Math.floor(ox * p.inW / p.outW), x1 = Math.ceil((ox + 1) * p.inW / p.outW);
        let s = 0;
        for (let y = y0; y < y1; y++) for (let xx = x0; xx < x1; xx++) s += x[b * p.xsN + c * p.xsC + y * p.xsH + xx * p.xsW]!;
        o[b * p.osN + c * p.osC + oy * p.osH + ox * p.osW] = s / ((y1 - y0) * (x1 - x0));
      }
    },
    dcnv3(d: DcnLaunch) {
      if (d.half) throw new Error('emulator: float16 DCNv3 is not emulated');
      const v = f32(d.value), off = f32(d.offset), m = f32(d.mask), o = f32(d.out);
      const { inH: H, inW: W, group: G, groupChannels: D, points: P } = d;
      const C = G * D, aH = Math.floor(d.dilH * (d.kH - 1) / 2), aW = Math.floor(d.dilW * (d.kW - 1) / 2);
      for (let pix = 0; pix < d.batch * d.outH * d.outW; pix++) {
        const wo = pix % d.outW, ho = Math.floor(pix / d.outW) % d.outH, n = Math.floor(pix / (d.outW * d.outH));
        for (let g = 0; g < G; g++) {
          const acc = new Float64Array(D);
          let p = 0;
          for (let i = 0; i < d.kW; i++) for (let j = 0; j < d.kH; j++) {
            if (d.removeCenter && i === Math.floor(d.kW / 2) && j === Math.floor(d.kH / 2)) continue;
            const k = (pix * G + g) * P + p++;
            const x = wo * d.strideW - d.padW + aW + (i * d.dilW - aW + off[2 * k]!) * d.offsetScale;
            const y = ho * d.strideH - d.padH + aH + (j * d.dilH - aH + off[2 * k + 1]!) * d.offsetScale;
            if (!(y > -1 && x > -1 && y < H && x < W)) continue;
            const y0 = Math.floor(y), x0 = Math.floor(x), ly = y - y0, lx = x - x0;
            for (const [r, c, wt] of [[y0, x0, (1 - ly) * (1 - lx)], [y0, x0 + 1, (1 - ly) * lx], [y0 + 1, x0, ly * (1 - lx)], [y0 + 1, x0 + 1, ly * lx]] as const) {
              if (r < 0 || r >= H || c < 0 || c >= W) continue;
              for (let e = 0; e < D; e++) acc[e]! += m[k]! * wt * v[((n * H + r) * W + c) * C + g * D + e]!;
            }
          }
          for (let e = 0; e < D; e++) o[pix * C + g * D + e] = acc[e]!;
        }
      }
    },
  };
}
