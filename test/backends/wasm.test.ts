// The wasm backend's generated GEMM kernel on awkward shapes, single- and multi-threaded, and its heap.
import test from 'ava';
import { WasmHeap, fastKernels, gemm, getThreads, heap, packB, packTransposed, setThreads, wasmKernels } from '@internimage/backend-wasm';
import * as ii from '@internimage/core';
import { relativeL2Error } from '@internimage/core';
import '@internimage/backend-cpu';
// Internals, for the thread-failure test.
import { erfModule, instantiate, runParts } from '@internimage/backend-wasm/internals';
import { seededRandom } from '../harness/random.js';

function reference(a: Float32Array, b: Float32Array, m: number, n: number, k: number, bias?: Float32Array): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = bias ? bias[j]! : 0;
    for (let q = 0; q < k; q++) s += a[i * k + q]! * b[q * n + j]!;
    c[i * n + j] = s;
  }
  return c;
}

/** Φ(x): the series of erf for |x| ≤ 4, the asymptotic series of the tail beyond (both exact to float32 there). */
function normalCdf(x: number): number {
  if (Math.abs(x) > 4) {
    const x2 = x * x;
    const tail = (Math.exp(-x2 / 2) / (Math.abs(x) * Math.sqrt(2 * Math.PI))) * (1 - 1 / x2 + 3 / x2 ** 2 - 15 / x2 ** 3);
    return x > 0 ? 1 - tail : tail;
  }
  const z = x / Math.SQRT2;
  let term = z;
  let sum = z;
  for (let i = 1; i < 200; i++) {
    term *= (-z * z) / i;
    sum += term / (2 * i + 1);
  }
  return 0.5 * (1 + (2 / Math.sqrt(Math.PI)) * sum);
}

// K past the GEMM's block depth (256): 1100 (five blocks, the last short), 1024 (four whole), 513 (one row over two).
const SHAPES: Array<[number, number, number]> = [[1, 1, 1], [5, 7, 9], [3, 32, 27], [4, 8, 4], [61, 33, 130], [100, 24, 64], [301, 40, 1100], [7, 20, 1024], [3, 17, 513]];
const random = seededRandom(7);
const rand = () => random.float() - 0.5;

test.serial('GEMM matches float64 on padded shapes, with and without bias, on 1 and 2 threads', async (t) => {
  for (const threads of [1, 2]) {
    await setThreads(threads);
    t.is(getThreads(), threads);
    for (const [m, n, k] of SHAPES) {
      const a = Float32Array.from({ length: m * k }, rand);
      const b = Float32Array.from({ length: k * n }, rand);
      const bias = Float32Array.from({ length: n }, rand);
      const c = new Float32Array(m * n).fill(NaN);
      gemm(a, packB(b, k, n), c, m, n, k, bias);
      t.true(relativeL2Error(c, reference(a, b, m, n, k, bias)) < 1e-6, `${m}x${n}x${k} on ${threads} threads`);
      // x·Wᵀ with a PyTorch weight W[n×k].
      const w = Float32Array.from({ length: n * k }, (_, i) => b[(i % k) * n + Math.floor(i / k)]!);
      gemm(a, packTransposed(w, n, k), c, m, n, k);
      t.true(relativeL2Error(c, reference(a, b, m, n, k)) < 1e-6);
      // The GELU epilogue (exact GELU: x·Φ(x), Φ from erf).
      gemm(a, packB(b, k, n), c, m, n, k, bias, 'gelu');
      const gelu = reference(a, b, m, n, k, bias).map((v) => v * normalCdf(v));
      t.true(relativeL2Error(c, gelu) < 1e-6, `${m}x${n}x${k} GELU on ${threads} threads`);
    }
  }
  await setThreads(1);
  await t.throwsAsync(setThreads(0), { message: 'setThreads: expected a positive integer, got 0' });
});

test.serial('the heap gets every block back: repeated ops leave its use unchanged, and views stay valid when it grows', async (t) => {
  await ii.setBackend('wasm');
  const r = (shape: number[]) => ii.tensor(Float32Array.from({ length: ii.sizeOf(shape) }, rand), shape);
  const x = r([1, 9, 9, 32]);
  const w = r([48, 32]);
  const dw = r([32, 1, 3, 3]);
  const offset = r([1, 9, 9, 2 * 9 * 2]);
  const mask = r([1, 9, 9, 2 * 9]);
  const pass = () => ii.tidy(() => {
    const y = ii.linear(ii.layerNorm(x, { eps: 1e-6 }), w, undefined, { activation: 'gelu' });
    const d = ii.conv2d(x, dw, { padding: 1, groups: 32, dataFormat: 'NHWC' });
    const s = ii.softmax(mask, -1);
    const v = ii.dcnv3(d, offset, s, { kernelSize: 3, padding: 1, group: 2, groupChannels: 16 });
    return ii.add(ii.sum(y), ii.sum(ii.gelu(v)));
  });
  const first = pass();
  const expected = (await first.data())[0]!;
  first.dispose();
  const inUse = heap().stats().inUse;
  for (let i = 0; i < 20; i++) {
    const out = pass();
    t.is((await out.data())[0], expected);
    out.dispose();
  }
  t.is(heap().stats().inUse, inUse);
  // A view taken before the memory grows keeps its values.
  const kept = ii.tensor([1, 2, 3], [3]);
  const big = ii.zeros([64 * 2 ** 20]);
  t.deepEqual(Array.from(await kept.data()), [1, 2, 3]);
  ii.dispose(kept, big);
  t.is(heap().stats().inUse, inUse);
});

test.serial('DCNv3 kernels match the reference on awkward geometry: G·P not a multiple of 4, strides, dilation, points outside', async (t) => {
  const cases: Array<{ n: number; h: number; w: number; g: number; d: number; opts: Record<string, unknown>; spread: number }> = [
    { n: 2, h: 7, w: 5, g: 3, d: 4, opts: { kernelSize: 3, padding: 1 }, spread: 3 },
    { n: 1, h: 9, w: 8, g: 1, d: 8, opts: { kernelSize: 3, padding: 1, removeCenter: true }, spread: 12 },
    { n: 1, h: 10, w: 11, g: 2, d: 4, opts: { kernelSize: 5, padding: 2, stride: 2, dilation: 1 }, spread: 2 },
    { n: 1, h: 12, w: 9, g: 5, d: 8, opts: { kernelSize: 3, padding: 2, dilation: 2, offsetScale: 2 }, spread: 1 },
  ];
  for (const c of cases) {
    const k = c.opts.kernelSize as number;
    const points = k * k - (c.opts.removeCenter ? 1 : 0);
    const stride = (c.opts.stride as number | undefined) ?? 1;
    const ho = Math.floor((c.h + 2 * (c.opts.padding as number) - ((c.opts.dilation as number | undefined) ?? 1) * (k - 1) - 1) / stride) + 1;
    const wo = Math.floor((c.w + 2 * (c.opts.padding as number) - ((c.opts.dilation as number | undefined) ?? 1) * (k - 1) - 1) / stride) + 1;
    const value = Float32Array.from({ length: c.n * c.h * c.w * c.g * c.d }, rand);
    const offset = Float32Array.from({ length: c.n * ho * wo * c.g * points * 2 }, () => rand() * 2 * c.spread);
    offset[3] = NaN;
    const mask = Float32Array.from({ length: c.n * ho * wo * c.g * points }, rand);
    const run = async (backend: string) => {
      await ii.setBackend(backend);
      const out = ii.dcnv3(ii.tensor(value, [c.n, c.h, c.w, c.g * c.d]), ii.tensor(offset, [c.n, ho, wo, c.g * points * 2]),
        ii.tensor(mask, [c.n, ho, wo, c.g * points]), { ...c.opts, group: c.g, groupChannels: c.d });
      const data = await out.data();
      out.dispose();
      return data as Float32Array;
    };
    const expected = await run('cpu');
    const actual = await run('wasm');
    t.true(relativeL2Error(actual, expected) < 1e-6, JSON.stringify(c));
  }
});

test.serial('NHWC convolutions (WASM im2col, depthwise kernel) match the reference: channels not a multiple of 4, strides, padding, dilation, 1 and 2 threads', async (t) => {
  const cases: Array<{ n: number; h: number; w: number; c: number; o: number; k: [number, number]; opts: Record<string, unknown> }> = [
    { n: 2, h: 9, w: 7, c: 3, o: 5, k: [3, 3], opts: { stride: 2, padding: 1 } },
    { n: 1, h: 8, w: 11, c: 5, o: 16, k: [3, 5], opts: { stride: [1, 3], padding: [0, 2, 1, 3] } },
    { n: 1, h: 12, w: 10, c: 8, o: 7, k: [3, 3], opts: { padding: 2, dilation: 2 } },
    { n: 3, h: 6, w: 6, c: 12, o: 9, k: [1, 1], opts: {} },
    // Depthwise (the WASM kernel with its WASM padding): borders of every width, none, cropped, dilated, 5×5.
    { n: 2, h: 7, w: 9, c: 8, o: 8, k: [3, 3], opts: { padding: 1, groups: 8 } },
    { n: 1, h: 6, w: 5, c: 12, o: 12, k: [3, 3], opts: { padding: [0, 2, 1, 0], groups: 12 } },
    { n: 1, h: 9, w: 9, c: 4, o: 4, k: [5, 5], opts: { padding: 2, dilation: 2, groups: 4 } },
    { n: 1, h: 8, w: 8, c: 16, o: 16, k: [5, 5], opts: { padding: 2, groups: 16 } },
  ];
  for (const threads of [1, 2]) {
    await setThreads(threads);
    for (const c of cases) {
      const x = Float32Array.from({ length: c.n * c.h * c.w * c.c }, rand);
      const perGroup = c.c / ((c.opts.groups as number | undefined) ?? 1);
      const w = Float32Array.from({ length: c.o * perGroup * c.k[0] * c.k[1] }, rand);
      const b = Float32Array.from({ length: c.o }, rand);
      const run = async (backend: string) => {
        await ii.setBackend(backend);
        const out = ii.conv2d(ii.tensor(x, [c.n, c.h, c.w, c.c]), ii.tensor(w, [c.o, perGroup, ...c.k]),
          { ...c.opts, bias: ii.tensor(b, [c.o]), dataFormat: 'NHWC' });
        const data = await out.data();
        out.dispose();
        return data as Float32Array;
      };
      const expected = await run('cpu');
      t.true(relativeL2Error(await run('wasm'), expected) < 1e-6, `${threads} threads: ${JSON.stringify(c)}`);
    }
  }
  await setThreads(1);
});

test.serial('NCHW convolutions as chunked GEMMs match the reference: patch rows in several chunks across images, 1×1 in place, 1 and 2 threads', async (t) => {
  // 512·3·3 = 4608 patch columns make chunks of 896 pixels (16 MiB of patch rows): 2 images of 20×25 take two
  // chunks, the second starting inside the second image; 20 out channels pad the GEMM's columns; K = 4608 spans
  // 18 blocks of the GEMM's depth.
  const cases: Array<{ n: number; h: number; w: number; c: number; o: number; k: number; opts: Record<string, unknown> }> = [
    { n: 2, h: 20, w: 25, c: 512, o: 20, k: 3, opts: { padding: 1 } },
    { n: 2, h: 9, w: 7, c: 64, o: 40, k: 1, opts: {} },
    { n: 1, h: 9, w: 8, c: 6, o: 5, k: 1, opts: { stride: 2 } },
  ];
  for (const threads of [1, 2]) {
    await setThreads(threads);
    for (const c of cases) {
      const x = Float32Array.from({ length: c.n * c.c * c.h * c.w }, rand);
      const w = Float32Array.from({ length: c.o * c.c * c.k * c.k }, rand);
      const b = Float32Array.from({ length: c.o }, rand);
      const run = async (backend: string) => {
        await ii.setBackend(backend);
        const out = ii.conv2d(ii.tensor(x, [c.n, c.c, c.h, c.w]), ii.tensor(w, [c.o, c.c, c.k, c.k]), { ...c.opts, bias: ii.tensor(b, [c.o]) });
        const data = await out.data();
        out.dispose();
        return data as Float32Array;
      };
      const expected = await run('cpu');
      // Float32 sums of c·k² terms against the reference's float64 ones: about 1e-6 relative at K = 4608.
      t.true(relativeL2Error(await run('wasm'), expected) < 5e-6, `${threads} threads: ${JSON.stringify(c)}`);
    }
  }
  await setThreads(1);
});

test.serial('sum and mean over consecutive axes give the reference kernel\'s bits; other reductions are the reference', async (t) => {
  const x = Float32Array.from({ length: 2 * 5 * 3 * 7 }, () => rand() * 100);
  const cases: Array<{ op: 'sum' | 'mean' | 'max'; axis?: number[]; keepDims?: boolean }> = [
    { op: 'mean', axis: [1, 2] }, { op: 'mean', axis: [1, 2], keepDims: true }, { op: 'sum', axis: [3] }, { op: 'sum', axis: [0] },
    { op: 'sum' }, { op: 'mean', axis: [0, 2] }, { op: 'max', axis: [1, 2] },
  ];
  for (const c of cases) {
    const run = async (backend: string) => {
      await ii.setBackend(backend);
      const out = ii[c.op](ii.tensor(x, [2, 5, 3, 7]), { axis: c.axis, keepDims: c.keepDims });
      const result = { shape: out.shape, data: Array.from(await out.data()) };
      out.dispose();
      return result;
    };
    t.deepEqual(await run('wasm'), await run('cpu'), JSON.stringify(c));
  }
});

test.serial('transposes (WASM gather over merged axes) match the reference: float32 and int32, size-1 axes, five axes', async (t) => {
  const cases: Array<[number[], number[]]> = [
    [[2, 3, 4, 5], [0, 2, 3, 1]], [[2, 3, 4, 5], [3, 1, 0, 2]], [[1, 3, 1, 7], [3, 2, 1, 0]], [[6], [0]],
    [[2, 3, 2, 3, 2], [4, 0, 3, 1, 2]], [[0, 3], [1, 0]],
  ];
  for (const [shape, perm] of cases) {
    for (const dtype of ['float32', 'int32'] as const) {
      const size = ii.sizeOf(shape);
      const values = dtype === 'float32' ? Float32Array.from({ length: size }, rand) : Int32Array.from({ length: size }, (_, i) => i * 7 - 50);
      const run = async (backend: string) => {
        await ii.setBackend(backend);
        const out = ii.transpose(ii.tensor(values, shape), perm);
        const result = { shape: out.shape, data: Array.from(await out.data()) };
        out.dispose();
        return result;
      };
      t.deepEqual(await run('wasm'), await run('cpu'), `${dtype} [${shape}] perm [${perm}]`);
    }
  }
});

test.serial('a linear weight stored packed (in place or not) still reads back, and serves other ops and shapes', async (t) => {
  await ii.setBackend('wasm');
  for (const [outF, inF] of [[32, 24], [40, 24], [5, 3]] as const) {
    const values = Float32Array.from({ length: outF * inF }, rand);
    const w = ii.tensor(values, [outF, inF]);
    const x = ii.tensor(Float32Array.from({ length: 3 * inF }, rand), [3, inF]);
    const before = ii.memory().bytes;
    const y1 = ii.linear(x, w);
    const first = await y1.data();
    t.is(ii.memory().bytes, before + y1.size * 4, 'the packed weight counts with its own size');
    t.deepEqual(await w.data(), values, `${outF}x${inF} reads back`);
    const twice = ii.add(w, w);
    t.deepEqual(Array.from(await twice.data()), Array.from(values, (v) => v + v));
    const y2 = ii.linear(x, w);
    t.deepEqual(await y2.data(), first);
    // The same buffer as a weight of another shape: packed anew from its values.
    const input = Float32Array.from({ length: 2 * outF }, rand);
    const flipped = ii.reshape(w, [inF, outF]);
    const xz = ii.tensor(input, [2, outF]);
    const z = ii.linear(xz, flipped);
    const expected = Array.from({ length: 2 * inF }, (_, i) => {
      let s = 0;
      for (let k = 0; k < outF; k++) s += input[Math.floor(i / inF) * outF + k]! * values[(i % inF) * outF + k]!;
      return s;
    });
    t.true(relativeL2Error(await z.data(), Float64Array.from(expected)) < 1e-6);
    ii.dispose(w, x, y1, y2, twice, flipped, xz, z);
  }
});

test('heap blocks never overlap, freed blocks are reused (split when larger), and mixed sizes do not grow it without bound', (t) => {
  const h = new WasmHeap();
  const live = new Map<number, number>();
  const next = seededRandom(11).float;
  let peakTop = 0;
  for (let step = 0; step < 4000; step++) {
    if (live.size > 0 && next() < 0.5) {
      const [at, bytes] = [...live][Math.floor(next() * live.size)]!;
      // The block must still hold what was written into it.
      t.true(h.ints(at, bytes / 4).every((v) => v === at), `block at ${at} intact`);
      h.release(at, bytes);
      live.delete(at);
    } else {
      const bytes = 64 * (1 + Math.floor(next() * (step < 2000 ? 64 : 16)));
      const at = h.alloc(bytes);
      h.ints(at, bytes / 4).fill(at);
      live.set(at, bytes);
    }
    peakTop = Math.max(peakTop, h.stats().reserved);
  }
  for (const [at, bytes] of live) h.release(at, bytes);
  t.is(h.stats().inUse, 0);
  t.true(peakTop <= 4 * 2 ** 20, `reserved ${peakTop} bytes`);
});

test.serial('every threaded kernel gives the same bits on 1 and 2 threads', async (t) => {
  await ii.setBackend('wasm');
  const r = (shape: number[], scale = 1) => ii.tensor(Float32Array.from({ length: ii.sizeOf(shape) }, () => rand() * scale), shape);
  // Large enough that every kernel splits its work (see the *_PER_THREAD thresholds).
  const x = r([1, 48, 48, 64]);
  const w = r([96, 64]);
  const bias = r([96]);
  const dw = r([64, 1, 3, 3]);
  const scale = r([64]);
  const offset = r([1, 48, 48, 4 * 9 * 2], 4);
  const maskLogits = r([1, 48, 48, 4, 9]);
  const pass = () => ii.tidy(() => {
    const ln = ii.layerNorm(x, { weight: scale, bias: scale, eps: 1e-6 });
    const fc = ii.linear(ln, w, bias, { activation: 'gelu' });
    const d = ii.conv2d(x, dw, { padding: 1, groups: 64, dataFormat: 'NHWC' });
    const mask = ii.reshape(ii.softmax(maskLogits, -1), [1, 48, 48, 36]);
    const v = ii.dcnv3(ii.add(d, ii.mul(x, scale)), offset, mask, { kernelSize: 3, padding: 1, group: 4, groupChannels: 16 });
    return [fc, ii.gelu(v), ii.sub(v, x)];
  });
  const collect = async () => {
    const outs = pass();
    const data = await Promise.all(outs.map((o) => o.data()));
    ii.dispose(...outs);
    return data;
  };
  await setThreads(1);
  const one = await collect();
  await setThreads(2);
  try {
    const two = await collect();
    for (let i = 0; i < one.length; i++) t.deepEqual(two[i], one[i], `output ${i}`);
  } finally {
    await setThreads(1);
  }
  ii.dispose(x, w, bias, dw, scale, offset, maskLogits);
});

test.serial('a kernel part that fails on a worker thread is an error, and the threads keep working', async (t) => {
  await setThreads(2);
  try {
    const kernel = instantiate(erfModule);
    // The second part reads far outside the memory: it traps on the worker.
    t.throws(() => runParts(kernel, 'gelu', [[0, 0, 0], [0x7fff0000, 0x7fff0000, 128]]), { message: /^wasm kernel 'gelu' failed on worker thread 1$/ });
    const x = heap().alloc(256);
    heap().floats(x, 64).fill(1);
    runParts(kernel, 'gelu', [[x, x, 128], [x + 128, x + 128, 128]]);
    t.true(heap().floats(x, 64).every((v) => Math.abs(v - 0.8413447) < 1e-6));
    heap().release(x, 256);
  } finally {
    await setThreads(1);
  }
});

test('a typed-array kernel (cpu, or one wasm reuses) given other storage names the kernel, not "cpu"', (t) => {
  const bare = { name: 'bare' } as ii.Backend;
  const x = { dataId: {}, shape: [2], dtype: 'float32' as const };
  t.throws(() => ii.getKernel('Unary', 'cpu')({ inputs: { x }, attrs: { op: 'relu' }, backend: bare }), {
    message: "kernel Unary needs a backend that stores typed arrays (cpu, wasm), got 'bare'",
  });
  const reused = wasmKernels.find((k) => !fastKernels.includes(k))!;
  t.throws(() => reused.kernelFunc({ inputs: {}, attrs: {}, backend: bare } as never), {
    message: `kernel ${reused.kernelName} needs a backend that stores typed arrays (cpu, wasm), got 'bare'`,
  });
});
