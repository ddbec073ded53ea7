/// <reference lib="dom" />
// The in-page half of test/app/browser.test.ts: each function runs in headless Chromium and returns plain data that the
// Node side asserts on. URLs are relative to the page: /fixtures/ (test/fixtures), /images/ (test/images), /assets/.
import * as core from '@internimage/core';
import type { FixtureRunOptions } from 'internimage';
import {
  MNIST_MODEL, configFromOfficial, createClassifier, loadImagenetLabels, loadModel, openWeightsFile, preprocess, readImage, runFixtureCases, useBackend,
} from 'internimage';

const argmax = (v: ArrayLike<number>) => Array.prototype.indexOf.call(v, Math.max(...Array.from(v)));

/** The MNIST model's logits for bundled digit files, decoded and preprocessed in the page, on the active backend. */
async function mnistModelLogits(digits: string[]) {
  const meta = await (await fetch('/fixtures/mnist/meta.json')).json() as { config: Record<string, unknown>; img_size: number };
  const { model } = await loadModel(MNIST_MODEL, { config: configFromOfficial(meta.config) });
  const size = meta.img_size;
  const batch = new Float32Array(digits.length * 3 * size * size);
  for (const [i, f] of digits.entries()) batch.set(preprocess(await readImage(`/fixtures/mnist/digits/${f}`), size), i * 3 * size * size);
  const x = core.tensor(batch, [digits.length, 3, size, size]);
  const y = model.classify(x);
  const logits = await y.data();
  core.dispose(x, y);
  model.dispose();
  return logits;
}

const suite = {
  isolated: () => globalThis.crossOriginIsolated,

  fixtures: (o: Omit<FixtureRunOptions, 'dir' | 'onCase'>) => runFixtureCases({ ...o, dir: '/fixtures/internimage/', imagesDir: '/images/' }),

  /** The 100 bundled digits through decode and preprocessing: logits against the official model's. */
  async mnist(backend: string, digits: string[]) {
    await useBackend(backend);
    const reference = await core.loadSafetensors('/fixtures/mnist/mnist_test_reference.safetensors');
    const ours = await mnistModelLogits(digits);
    const official = reference.values('logits').data;
    const expected = new Float32Array(digits.length * 10);
    digits.forEach((f, i) => expected.set(official.subarray(Number(f.slice(0, 3)) * 10, Number(f.slice(0, 3)) * 10 + 10), i * 10));
    const classes = digits.map((_, i) => [argmax(ours.subarray(i * 10, i * 10 + 10)), argmax(expected.subarray(i * 10, i * 10 + 10))]);
    return { relL2: core.relativeL2Error(ours, expected), classes };
  },

  /** The MNIST model's logits for `digits` on wasm with `threads` threads (for a bit-for-bit comparison with Node). */
  async mnistLogits(digits: string[], threads: number) {
    const { setThreads } = await import('@internimage/backend-wasm');
    await useBackend('wasm');
    await setThreads(threads);
    const logits = Array.from(await mnistModelLogits(digits));
    await setThreads(1);
    return logits;
  },

  /** The preprocessed tensor of an image file, as numbers. */
  async preprocessed(url: string, size: number) {
    return Array.from(preprocess(await readImage(url), size));
  },

  /** Top-1 of one digit given as bytes, a Blob, ImageData, an ImageBitmap and an <img>. */
  async inputKinds(url: string) {
    const clf = await createClassifier({ weights: MNIST_MODEL, labels: Array.from({ length: 10 }, (_, i) => String(i)), backend: 'wasm' });
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    const blob = new Blob([bytes], { type: 'image/png' });
    const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const img = new Image();
    img.src = url;
    const inputs = { bytes, url, blob, imageData: ctx.getImageData(0, 0, bitmap.width, bitmap.height), bitmap, img };
    const out: Record<string, [string, number]> = {};
    for (const [name, input] of Object.entries(inputs)) {
      const [best] = await clf.classify(input);
      out[name] = [best!.label, best!.score];
    }
    clf.dispose();
    return out;
  },

  /** The ImageNet-1k names, fetched from the package's assets next to the bundle. */
  async labels() {
    const names = await loadImagenetLabels();
    return [names.length, names[281]];
  },

  /** What the auto backend 'gpujs' opened here, and why it passed over the modes before it. */
  async gpujsAuto() {
    await useBackend('gpujs');
    const info = (core.engine.backend as unknown as { info: { mode: string; refused: Record<string, string> } }).info;
    return { mode: info.mode, refused: info.refused };
  },

  /** Loading weights from bytes with one byte flipped: the error, as loadModel gives it. */
  async corrupt(url: string, flipAt: number) {
    const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
    bytes[flipAt] ^= 0xff;
    try {
      (await loadModel(new Blob([bytes]))).model.dispose();
      return 'loaded';
    } catch (e) {
      return (e as Error).message;
    }
  },

  /** memory() before and after `passes` classifications of one digit (after a first pass that packs weights). */
  async memoryAfterPasses(backend: string, passes: number) {
    const clf = await createClassifier({ weights: MNIST_MODEL, labels: Array.from({ length: 10 }, (_, i) => String(i)), backend });
    const digit = await readImage('/fixtures/mnist/digits/000_label9.png');
    await clf.classify(digit);
    const before = core.memory();
    for (let i = 0; i < passes; i++) await clf.classify(digit);
    const after = core.memory();
    clf.dispose();
    return { before: { tensors: before.tensors, bytes: before.bytes }, after: { tensors: after.tensors, bytes: after.bytes } };
  },

  /** Asks for 2 wasm threads and classifies a digit: what runs, and why. */
  async wasmThreads() {
    const clf = await createClassifier({ weights: MNIST_MODEL, labels: Array.from({ length: 10 }, (_, i) => String(i)), backend: 'wasm', threads: 2 });
    const [best] = await clf.classify(await readImage('/fixtures/mnist/digits/000_label9.png'));
    clf.dispose();
    const { threadsInfo } = await import('@internimage/backend-wasm');
    return { isolated: globalThis.crossOriginIsolated, info: threadsInfo(), notes: clf.notes, label: best!.label };
  },

  /** Opens weights from a URL; what the Cache API holds for it afterwards. */
  async loadFromUrl(url: string) {
    let error: string | null = null;
    let progress = 0;
    try {
      (await openWeightsFile(url, { onProgress: (loaded) => { progress = loaded; } })).close();
    } catch (e) {
      error = (e as Error).message;
    }
    const cached = await (await caches.open(core.DEFAULT_CACHE)).match(new URL(url, location.href).href);
    return { error, progress, cached: cached ? (await cached.arrayBuffer()).byteLength : null };
  },
};

(globalThis as unknown as { suite: typeof suite }).suite = suite;
