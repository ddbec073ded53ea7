// The CUDA backend's own checks: the build script without nvcc, the loader's reason, the CLI on a machine without a
// GPU, and (GPU machines only; skipped here with the loader's reason) every DCNv3 kernel in float32 and float16
// against the golden fixtures, out-of-memory and launch errors as exceptions that name the op, and memory stability over many forward passes.
import test from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as ii from '@internimage/core';
import '@internimage/backend-cpu';
import { CudaUnavailableError, DCN_VARIANTS, DCN_VARIANT_CODE, cudaUnavailableReason, getCudaDevice } from '@internimage/backend-cuda';
import { InternImage, configFromOfficial, readManifest } from 'internimage';
import { fixturePath, readFixtureBytes } from '../harness/fixtures.js';
import { checkGraphReplay } from '../harness/cuda_graph.js';
import { seededRandom } from '../harness/random.js';

const BUILD = fileURLToPath(new URL('../../packages/backend-cuda/scripts/build-cuda.mjs', import.meta.url));
const BIN = fileURLToPath(new URL('../../packages/internimage/bin/internimage.js', import.meta.url));

async function run(file: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [file, ...args], { env, maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const reason = cudaUnavailableReason();
/** GPU-only tests: skipped, with the loader's reason in the title, where CUDA cannot run. */
const gpuTest = reason === null ? test.serial : (title: string, _fn: unknown) => test.skip(`${title} (skipped: ${reason})`, () => {});

test('build:cuda exits 0 with a message when nvcc is absent', async (t) => {
  const { code, stdout } = await run(BUILD, [], { ...process.env, INTERNIMAGE_NVCC: 'none' });
  t.is(code, 0);
  t.regex(stdout, /nvcc not found, CUDA backend not built/);
});

test('the loader reports why CUDA is unavailable, and setBackend rejects with that reason', async (t) => {
  t.is(new CudaUnavailableError('no CUDA device').message, 'CUDA backend unavailable: no CUDA device');
  if (reason === null) {
    t.is(await ii.setBackend('cuda'), 'cuda');
    return;
  }
  t.regex(reason, /^CUDA backend unavailable: \S/);
  const err = await t.throwsAsync(ii.setBackend('cuda'));
  t.true(err!.message.includes(reason), err!.message);
});

test('check-fixtures --backend cuda fails with the reason where CUDA is unavailable, passes where it runs', async (t) => {
  const { code, stdout, stderr } = await run(BIN, ['check-fixtures', fixturePath('internimage'), '--backend', 'cuda']);
  if (reason === null) {
    t.is(code, 0, stdout + stderr);
    t.regex(stdout, /passed, 0 failed \(backend cuda\)/);
  } else {
    t.not(code, 0);
    t.true((stdout + stderr).includes('CUDA backend unavailable: '), stdout + stderr);
  }
});

const coreCases = readManifest(fixturePath('internimage')).filter((c) => c.kind === 'dcnv3_core');
const toHalf = (v: Float32Array) => Uint16Array.from(v, (x) => ii.float32ToFloat16(x));

for (const variant of DCN_VARIANTS) for (const half of [false, true]) {
  const tolerance = half ? 1e-2 : 1e-4;
  gpuTest(`${half ? 'float16' : 'float32'} DCNv3 (${variant}) matches every dcnv3_core golden fixture within ${tolerance}`, async (t) => {
    const device = getCudaDevice();
    for (const c of coreCases) {
      const file = ii.readSafetensors(readFixtureBytes(`internimage/${c.file}`));
      const input = file.values('input');
      const [n, h, w, ch] = input.shape as [number, number, number, number];
      const k = Number(c.kernel), s = Number(c.stride), p = Number(c.pad), d = Number(c.dilation);
      const removeCenter = Boolean(c.remove_center);
      const outH = ii.convOutputSize(h, k, s, 2 * p, d);
      const outW = ii.convOutputSize(w, k, s, 2 * p, d);
      const info: ii.DCNv3Info = {
        batch: n, inH: h, inW: w, outH, outW, kernelH: k, kernelW: k, strideH: s, strideW: s, padH: p, padW: p,
        dilationH: d, dilationW: d, group: Number(c.group), groupChannels: Number(c.group_channels),
        offsetScale: Number(c.offset_scale), removeCenter, points: k * k - (removeCenter ? 1 : 0), outShape: [n, outH, outW, ch],
      };
      const bufs = ['input', 'offset', 'mask'].map((name) => {
        const v = file.values(name).data as Float32Array;
        return half ? toHalf(v) : v;
      });
      const ptrs = bufs.map((b) => {
        const ptr = device.alloc(Math.max(b.byteLength, 2), 'test');
        device.upload(ptr, b);
        return ptr;
      });
      const outCount = n * outH * outW * ch;
      const bytes = outCount * (half ? 2 : 4);
      const out = device.alloc(bytes, 'test');
      try {
        device.dcnv3('DCNv3', { ...info, value: ptrs[0]!, offset: ptrs[1]!, mask: ptrs[2]!, out, half, variant: DCN_VARIANT_CODE[variant] });
        const raw = await device.download(out, bytes);
        const got = half ? Float32Array.from(new Uint16Array(raw), (x) => ii.float16ToFloat32(x)) : new Float32Array(raw);
        const expected = file.values('output').data;
        const err = ii.relativeL2Error(got, expected);
        t.true(err <= tolerance, `${c.file}: relative L2 ${err}`);
      } finally {
        for (const ptr of [...ptrs, out]) device.free(ptr);
      }
    }
  });
}

// The tensor-core GEMM (INTERNIMAGE_CUDA_GEMM=tf32|3xtf32) against the cpu backend: edges of the 128×128 / 128×64
// tiles and of the 32-wide k steps, bias and GELU, NHWC and NCHW convolutions through im2col (3 channels: K padded
// to 28; dilation; 1×1), a batched product with broadcasting, and operands the tensor-core path does not take (K % 4 != 0,
// B not k-contiguous), which run the exact SIMT kernel instead.
for (const [mode, tolerance] of [['tf32', 5e-3], ['3xtf32', 2e-6]] as const) {
  gpuTest(`${mode} matmuls match the cpu backend within ${tolerance}`, async (t) => {
    const device = getCudaDevice();
    const random = (shape: number[], seed: number) => ({ shape, data: seededRandom(seed).floats(ii.sizeOf(shape)) });
    const gemmBefore = device.settings.gemm;
    const run = async (backend: 'cpu' | 'cuda', f: () => ii.Tensor) => {
      await ii.setBackend(backend);
      device.settings.gemm = backend === 'cuda' ? mode : gemmBefore;
      try {
        const y = f();
        const data = (await y.data()) as Float32Array;
        y.dispose();
        return data;
      } finally {
        device.settings.gemm = gemmBefore;
      }
    };
    /** f on cpu and on cuda in this mode: their relative L2 distance is within the tolerance. */
    const compare = async (name: string, f: () => ii.Tensor) => {
      const expected = await run('cpu', f);
      const err = ii.relativeL2Error(await run('cuda', f), expected);
      t.true(err <= tolerance, `${name}: relative L2 ${err}`);
    };
    const linears: Array<[number, number, number, boolean, 'none' | 'gelu']> = [
      [1, 4, 8, false, 'none'], [131, 100, 72, true, 'none'], [300, 68, 130, true, 'gelu'], [257, 256, 64, true, 'none'],
      [129, 32, 256, false, 'gelu'], [45, 19, 40, true, 'none'],
    ];
    for (const [rows, inF, outF, withBias, activation] of linears) {
      const x = random([rows, inF], rows), w = random([outF, inF], inF), b = random([outF], outF);
      await compare(`linear ${rows}×${inF}→${outF} ${activation}`, () => ii.tidy(() => ii.linear(ii.tensor(x.data, x.shape),
        ii.tensor(w.data, w.shape), withBias ? ii.tensor(b.data, b.shape) : undefined, { activation })));
    }
    const convs: Array<[number[], number[], ii.Conv2DOptions]> = [
      [[2, 9, 11, 3], [8, 3, 3, 3], { stride: 2, padding: 1 }],
      [[1, 8, 8, 8], [12, 8, 3, 3], { padding: 2, dilation: 2 }],
      [[2, 7, 5, 4], [5, 4, 1, 1], {}],
    ];
    for (const [xShape, wShape, options] of convs) {
      const x = random(xShape, 3), w = random(wShape, 5), b = random([wShape[0]!], 11);
      await compare(`conv2d NHWC x ${xShape} w ${wShape}`, () => ii.tidy(() => ii.conv2d(ii.tensor(x.data, x.shape),
        ii.tensor(w.data, w.shape), { ...options, bias: ii.tensor(b.data, b.shape), dataFormat: 'NHWC' })));
      // The same convolution on an NCHW input and output (gathered to NHWC for the im2col).
      const nchw = [xShape[0]!, xShape[3]!, xShape[1]!, xShape[2]!];
      await compare(`conv2d NCHW x ${nchw} w ${wShape}`, () => ii.tidy(() => ii.conv2d(
        ii.transpose(ii.tensor(x.data, x.shape), [0, 3, 1, 2]), ii.tensor(w.data, w.shape), { ...options, bias: ii.tensor(b.data, b.shape) })));
    }
    for (const transposeB of [true, false]) {
      const a = random([3, 1, 70, 36], 7), bm = random(transposeB ? [1, 2, 90, 36] : [1, 2, 36, 90], 9);
      await compare(`batched matMul transposeB=${transposeB}`,
        () => ii.tidy(() => ii.matMul(ii.tensor(a.data, a.shape), ii.tensor(bm.data, bm.shape), { transposeB })));
    }
  });
}

gpuTest('layerNorm and softmax match the cpu backend at every row length path', async (t) => {
  const values = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 4 + (i % 7) * 0.1);
  const cases: Array<[string, number[], (x: ii.Tensor) => ii.Tensor]> = [];
  for (const cols of [64, 100, 256, 1030]) {
    cases.push([`layerNorm cols ${cols}`, [37, cols], (x) => ii.layerNorm(x, { eps: 1e-6 })]);
  }
  for (const length of [9, 16, 17, 70]) cases.push([`softmax length ${length}`, [53, length], (x) => ii.softmax(x, -1)]);
  for (const [name, shape, op] of cases) {
    const n = ii.sizeOf(shape);
    const outputs: Float32Array[] = [];
    for (const backend of ['cpu', 'cuda']) {
      await ii.setBackend(backend);
      const y = ii.tidy(() => op(ii.tensor(values(n), shape)));
      outputs.push((await y.data()) as Float32Array);
      y.dispose();
    }
    const err = ii.relativeL2Error(outputs[1]!, outputs[0]!);
    t.true(err <= 1e-6, `${name}: relative L2 ${err}`);
  }
});

gpuTest('CudaGraph replays equal the eager pass with TF32 matmuls (convolution scratch allocated inside the graph)', async (t) => {
  const device = getCudaDevice();
  const gemmBefore = device.settings.gemm;
  device.settings.gemm = 'tf32';
  try {
    await checkGraphReplay(t, 'cuda');
  } finally {
    device.settings.gemm = gemmBefore;
  }
});

gpuTest('out of memory is a JS error naming the op, and leaves memory as it was', async (t) => {
  await ii.setBackend('cuda');
  const before = ii.memory();
  const x = ii.tensor([1, 2, 3, 4], [2, 2]);
  // A 2^42-byte output: the pool cannot provide it.
  t.throws(() => ii.pad(x, [[0, 1 << 20], [0, 1 << 20]]), { message: /^cuda Pad: out of memory allocating \d+ bytes$/ });
  t.throws(() => getCudaDevice().alloc(2 ** 50, 'test alloc'), { message: /^cuda test alloc: out of memory allocating/ });
  const y = ii.add(x, 1);
  t.deepEqual(Array.from(await y.data()), [2, 3, 4, 5], 'the device still works');
  ii.dispose(x, y);
  t.deepEqual(ii.memory(), before);
});

gpuTest('launch errors name the op', async (t) => {
  await ii.setBackend('cuda');
  const x = ii.tensor(new Float32Array(2 ** 9), Array(9).fill(2));
  // Rank 9 with no axis to merge is beyond what the strided walk supports.
  t.throws(() => ii.transpose(x, [8, 7, 6, 5, 4, 3, 2, 1, 0]), { message: /^cuda Transpose: rank above 8 is not supported$/ });
  x.dispose();
});

gpuTest('200 forward passes of a small InternImage leave memory unchanged', async (t) => {
  await ii.setBackend('cuda');
  const cases = readManifest(fixturePath('internimage'));
  const tinyT = cases.find((c) => c.file === 'model_tiny_t.safetensors')!;
  const model = InternImage.fromWeights(configFromOfficial(tinyT.config as Record<string, unknown>),
    ii.readSafetensors(readFixtureBytes('internimage/model_tiny_t_weights.safetensors')));
  const input = ii.readSafetensors(readFixtureBytes('internimage/model_tiny_t.safetensors')).tensor('input');
  const device = getCudaDevice();
  const once = async () => {
    const logits = model.classify(input);
    await logits.data();
    logits.dispose();
  };
  await once();
  const before = ii.memory();
  const poolBefore = device.memoryInfo().poolUsed;
  for (let i = 0; i < 200; i++) await once();
  t.deepEqual(ii.memory(), before);
  t.is(device.memoryInfo().poolUsed, poolBefore);
  input.dispose();
  model.dispose();
});

gpuTest('CudaGraph replays equal the eager pass; a broken capture is aborted', async (t) => {
  await checkGraphReplay(t, 'cuda');
});
