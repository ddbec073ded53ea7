// The TypeScript side of the CUDA backend on any machine: CudaBackend over a JavaScript emulation of the addon
// (test/harness/cuda_emulator.ts, which follows kernels/cuda/api.h) runs the op cases, the DCNv3 golden fixtures and
// the golden model fixtures. This checks shapes, strides and buffer bookkeeping; the kernels themselves are checked
// on a GPU (packages/backend-cuda/scripts/smoke.mjs and the shared suites).
import test from 'ava';
import * as ii from '@internimage/core';
import { POISON, poisonEnabled } from '@internimage/core';
import { TypedArrayBackend } from '@internimage/backend-cpu/shared';
import { CudaBackend, CudaDevice } from '@internimage/backend-cuda';
import { readManifest, runFixtureCase } from 'internimage';
import { createEmulatedAddon } from '../harness/cuda_emulator.js';
import { checkGraphReplay } from '../harness/cuda_graph.js';
import { fixturePath } from '../harness/fixtures.js';
import { readOpCases, runOpCase } from '../harness/op_cases.js';

const addon = createEmulatedAddon();
ii.registerBackend('cuda-emulated', () => new CudaBackend(new CudaDevice(addon, { poison: true })));

for (const c of readOpCases()) {
  test.serial(`cuda (emulated addon) | op case ${c.op}: ${c.name}`, async (t) => {
    await ii.setBackend('cuda-emulated');
    const before = ii.memory();
    const buffers = addon.liveBuffers();
    await runOpCase(t, c);
    t.deepEqual(ii.memory(), before);
    t.is(addon.liveBuffers(), buffers, 'every device buffer is freed');
  });
}

const FIXTURES = fixturePath('internimage');
const fixtureCases = readManifest(FIXTURES).filter((c) => c.kind !== 'preprocess');
for (const c of fixtureCases) {
  test.serial(`cuda (emulated addon) | golden ${c.kind} ${c.file}`, async (t) => {
    await ii.setBackend('cuda-emulated');
    const before = ii.memory();
    const r = await runFixtureCase(FIXTURES, c, { cases: fixtureCases });
    t.true(r.pass, `${JSON.stringify(r.outputs)} ${r.notes.join('; ')}`);
    t.deepEqual(ii.memory(), before);
  });
}

test.serial('poisoned outputs hold core POISON on cuda as on cpu/wasm (int32 -2^31, not the legal -1)', async (t) => {
  const cuda = new CudaBackend(new CudaDevice(addon, { poison: true }));
  const cpu = new TypedArrayBackend('cpu', { poison: true });
  for (const dtype of ['float32', 'int32'] as const) {
    const expected = [POISON[dtype], POISON[dtype]];
    t.deepEqual(Array.from(await cuda.read(cuda.alloc([2], dtype, 'test').info.dataId)), expected, `cuda ${dtype}`);
    t.deepEqual(Array.from(await cpu.read(cpu.alloc([2], dtype).info.dataId)), expected, `cpu ${dtype}`);
  }
  cuda.dispose();
  cpu.dispose();
  t.true(poisonEnabled('INTERNIMAGE_CUDA_POISON', '1'));
  t.false(poisonEnabled('INTERNIMAGE_CUDA_POISON', undefined));
  t.throws(() => poisonEnabled('INTERNIMAGE_CUDA_POISON', 'true'), { message: "INTERNIMAGE_CUDA_POISON='true': expected 1 (poison kernel outputs) or 0" });
});

test('cuda (emulated addon) | launches carry every field the addon reads (its II_*_FIELDS lists)', (t) => {
  t.throws(() => addon.conv2d({} as never), { message: "conv2d: launch field 'x' is not a number" });
  t.throws(() => addon.dcnv3({ value: 0, offset: 0, mask: 0, out: 0 } as never), { message: "dcnv3: launch field 'batch' is not a number" });
  const sizes = { x: 0, out: 0, batch: 1, channels: 1, inH: 1, inW: 1, outH: 1, outW: 1 };
  t.throws(() => addon.adaptiveAvgPool2d(sizes as never), { message: "adaptiveAvgPool2d: launch field 'alignCorners' is not a number" });
});

test.serial('cuda (emulated addon) | profile() times kernels on the device, by CUDA events', async (t) => {
  await ii.setBackend('cuda-emulated');
  const x = ii.tensor([1, 2, 3, 4], [2, 2]);
  const { kernels, clock } = await ii.profile(() => ii.tidy(() => ii.matMul(x, ii.exp(x))).dispose());
  t.is(clock, 'device');
  t.deepEqual(kernels.map((k) => k.kernel).sort(), ['MatMul', 'Unary:exp']);
  x.dispose();
});

test.serial('cuda (emulated addon) | a kernel that fails frees its output and names the op', async (t) => {
  await ii.setBackend('cuda-emulated');
  const buffers = addon.liveBuffers();
  const x = ii.tensor([1, 2, 3, 4], [2, 2]);
  t.throws(() => ii.pad(x, [[0, 1 << 20], [0, 1 << 20]]), { message: /^cuda Pad: out of memory allocating \d+ bytes$/ });
  x.dispose();
  t.is(addon.liveBuffers(), buffers);
});

test.serial('cuda (emulated addon) | CudaGraph replays equal the eager pass; a broken capture is aborted', async (t) => {
  const buffers = addon.liveBuffers();
  await checkGraphReplay(t, 'cuda-emulated');
  t.is(addon.liveBuffers(), buffers);
});
