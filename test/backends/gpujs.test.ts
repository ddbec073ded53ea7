// What is specific to the gpu.js backend: mode reporting and refusal reasons, no substitution of an explicit mode,
// the compiled-kernel cache, splitting tensors over the buffer limit, and no leaks over many forward passes.
// The op, DCNv3, golden-fixture and MNIST suites run on every gpujs mode through test/harness.
import test from 'ava';
import * as ii from '@internimage/core';
import { engine } from '@internimage/core';
import '@internimage/backend-cpu';
import { AUTO_ORDER, GpujsBackend, MODES, gpujsStatus, modeBackendName } from '@internimage/backend-gpujs';
import type { Mode } from '@internimage/backend-gpujs';
import { InternImage, VARIANTS } from 'internimage';

const TINY = {
  ...VARIANTS.t, channels: 8, depths: [1, 1, 1, 1] as [number, number, number, number],
  groups: [1, 2, 4, 8] as [number, number, number, number], numClasses: 5,
};

/** Opens every mode once; the modes that run here, and the reason for each one that does not. */
const opened = new Map<Mode, GpujsBackend>();
const refusedHere = new Map<Mode, string>();
for (const mode of MODES) {
  try {
    opened.set(mode, (await engine.findBackend(modeBackendName(mode))) as GpujsBackend);
  } catch (e) {
    refusedHere.set(mode, e instanceof Error ? e.message : String(e));
    console.log(`gpujs mode '${mode}' refused here: ${refusedHere.get(mode)}`);
  }
}
/** Modes the tests below run in: webasm always, webgpu where Dawn finds an adapter. */
const RUN_MODES = (['webasm', 'webgpu'] as const).filter((m) => opened.has(m));

test.serial('each mode either runs as itself or is refused with its reason', (t) => {
  for (const [mode, backend] of opened) {
    t.is(backend.mode, mode);
    t.is(backend.info.mode, mode);
  }
  for (const [mode, reason] of refusedHere) {
    t.true(reason.startsWith(`${mode}: `), reason);
    t.is(gpujsStatus().refused[mode], reason.slice(mode.length + 2));
  }
  t.true(opened.has('webasm') && opened.has('cpu'), 'webasm and cpu need nothing installed');
  const webgpu = opened.get('webgpu');
  if (webgpu) t.log('webgpu device:', JSON.stringify(webgpu.info.device));
});

test.serial("the auto backend 'gpujs' takes the first mode of AUTO_ORDER that runs and says why earlier ones did not", async (t) => {
  const auto = (await engine.findBackend('gpujs')) as GpujsBackend;
  const expected = AUTO_ORDER.find((m) => opened.has(m))!;
  t.is(auto.mode, expected);
  t.is(gpujsStatus().autoMode, expected);
  for (const m of AUTO_ORDER.slice(0, AUTO_ORDER.indexOf(expected))) t.truthy(auto.info.refused[m], `reason for ${m}`);
});

test.serial('an explicit mode that cannot run fails with its reason; nothing else is substituted', async (t) => {
  for (const [mode, reason] of refusedHere) {
    await ii.setBackend('cpu');
    const err = await t.throwsAsync(ii.setBackend(modeBackendName(mode)));
    t.true(err!.message.includes(reason), err!.message);
    t.is(ii.getBackend(), 'cpu');
  }
  if (refusedHere.size === 0) t.pass('every mode runs here');
});

for (const mode of RUN_MODES) {
  const name = modeBackendName(mode);

  test.serial(`${name} | compiled kernels are cached by source (shapes and attributes)`, async (t) => {
    await ii.setBackend(name);
    const backend = opened.get(mode)!;
    const run = async (n: number) => {
      const x = ii.tensor(Float32Array.from({ length: n * 6 }, (_, i) => Math.sin(i)), [n, 6]);
      const y = ii.tidy(() => ii.gelu(ii.add(x, ii.scalar(1))));
      await y.data();
      ii.dispose(x, y);
    };
    await run(3);
    const after = backend.compiledKernels;
    await run(3);
    t.is(backend.compiledKernels, after, 'same shapes: no new kernel');
    await run(4);
    t.true(backend.compiledKernels > after, 'new shape: new kernels');
  });

  test.serial(`${name} | tensors over the buffer limit are split along the leading axis with equal results`, async (t) => {
    await ii.setBackend('cpu');
    const model = InternImage.random(TINY, { seed: 11 });
    const input = ii.tensor(Float32Array.from({ length: 2 * 3 * 32 * 32 }, (_, i) => Math.cos(i * 0.37)), [2, 3, 32, 32]);
    const logitsCpu = model.classify(input);
    const expected = await logitsCpu.data();
    const x = await input.data();
    ii.dispose(logitsCpu, input);
    model.dispose();

    await ii.setBackend(name);
    const backend = opened.get(mode)!;
    const before = ii.memory();
    const moved = InternImage.random(TINY, { seed: 11 });
    // The input (2 images of 3·32·32 = 3072) and every MLP hidden tensor (2·8·8·32) are split into one-image parts.
    backend.setMaxElements(3072);
    const partLaunches = backend.partLaunches;
    try {
      const xs = ii.tensor(x, [2, 3, 32, 32]);
      const logits = moved.classify(xs);
      const got = await logits.data();
      t.true(ii.relativeL2Error(got, expected) < 1e-5, `relative L2 ${ii.relativeL2Error(got, expected)}`);
      t.true(backend.partLaunches - partLaunches >= 20, `${backend.partLaunches - partLaunches} launches on parts`);
      ii.dispose(xs, logits);
    } finally {
      backend.setMaxElements(Number.MAX_SAFE_INTEGER);
      moved.dispose();
    }
    t.deepEqual(ii.memory(), before);
    // An op whose tensor cannot be split along its leading axis says so instead of truncating.
    backend.setMaxElements(8);
    try {
      const big = ii.tensor(Float32Array.from({ length: 16 }, (_, i) => i), [16]);
      t.throws(() => ii.sum(big), { message: /Reduce has a tensor over 8 elements and cannot split it/ });
      big.dispose();
    } finally {
      backend.setMaxElements(Number.MAX_SAFE_INTEGER);
    }
  });

  test.serial(`${name} | 200 forward passes leave memory() and the live device buffers unchanged`, async (t) => {
    await ii.setBackend(name);
    const backend = opened.get(mode)!;
    const model = InternImage.random(TINY, { seed: 5 });
    const x = ii.tensor(Float32Array.from({ length: 3 * 32 * 32 }, (_, i) => Math.sin(i)), [1, 3, 32, 32]);
    const pass = async () => {
      const y = model.classify(x);
      await y.data();
      y.dispose();
    };
    await pass();
    await backend.settle();
    const memory = ii.memory();
    const handles = backend.handles;
    const device = backend.deviceObjects;
    for (let i = 0; i < 199; i++) await pass();
    await backend.settle();
    t.deepEqual(ii.memory(), memory);
    t.is(backend.handles, handles, 'buffers/arrays held by the backend');
    t.is(backend.deviceObjects, device, 'device buffers in use (pooled ones excluded)');
    t.log(`${mode}: ${handles} handles, ${device} device buffers, ${backend.compiledKernels} compiled kernels`);
    x.dispose();
    model.dispose();
  });
}
