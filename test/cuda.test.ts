// The CUDA backend's own checks: the build script without nvcc, the loader's reason, the CLI on a machine without a
// GPU, and (GPU machines only; skipped here with the loader's reason) float16 DCNv3 against the golden fixtures,
// out-of-memory and launch errors as exceptions that name the op, and memory stability over many forward passes.
import test from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as ii from '@internimage/core';
import { CudaUnavailableError, cudaUnavailableReason, dcnLaunch, getCudaDevice } from '@internimage/backend-cuda';
import { InternImage, configFromOfficial, readManifest } from 'internimage';
import { fixturePath, readFixtureBytes } from './harness/fixtures.js';
import { checkGraphReplay } from './harness/cuda_graph.js';

const BUILD = fileURLToPath(new URL('../packages/backend-cuda/scripts/build-cuda.mjs', import.meta.url));
const BIN = fileURLToPath(new URL('../packages/internimage/bin/internimage.js', import.meta.url));

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

for (const variant of ['vec', 'simple'] as const) {
  gpuTest(`float16 DCNv3 (${variant}) matches every dcnv3_core golden fixture within 1e-2`, async (t) => {
    const device = getCudaDevice();
    for (const c of coreCases) {
      const file = ii.readSafetensors(readFixtureBytes(`internimage/${c.file}`));
      const input = file.values('input');
      const [n, h, w, ch] = input.shape as [number, number, number, number];
      const k = Number(c.kernel), s = Number(c.stride), p = Number(c.pad), d = Number(c.dilation);
      const removeCenter = Boolean(c.remove_center);
      const outH = Math.floor((h + 2 * p - (d * (k - 1) + 1)) / s) + 1;
      const outW = Math.floor((w + 2 * p - (d * (k - 1) + 1)) / s) + 1;
      const info: ii.DCNv3Info = {
        batch: n, inH: h, inW: w, outH, outW, kernelH: k, kernelW: k, strideH: s, strideW: s, padH: p, padW: p,
        dilationH: d, dilationW: d, group: Number(c.group), groupChannels: Number(c.group_channels),
        offsetScale: Number(c.offset_scale), removeCenter, points: k * k - (removeCenter ? 1 : 0), outShape: [n, outH, outW, ch],
      };
      const bufs = ['input', 'offset', 'mask'].map((name) => toHalf(file.values(name).data as Float32Array));
      const ptrs = bufs.map((b) => {
        const ptr = device.alloc(Math.max(b.byteLength, 2), 'test');
        device.upload(ptr, b);
        return ptr;
      });
      const outCount = n * outH * outW * ch;
      const out = device.alloc(outCount * 2, 'test');
      try {
        device.dcnv3('DCNv3', dcnLaunch(info, { value: ptrs[0]!, offset: ptrs[1]!, mask: ptrs[2]!, out }, true, variant));
        const got = Float32Array.from(new Uint16Array(await device.download(out, outCount * 2)), (x) => ii.float16ToFloat32(x));
        const expected = file.values('output').data;
        const err = ii.relativeL2Error(got, expected);
        t.true(err <= 1e-2, `${c.file}: relative L2 ${err}`);
      } finally {
        for (const ptr of [...ptrs, out]) device.free(ptr);
      }
    }
  });
}

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
