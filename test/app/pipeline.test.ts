// From image files to labels, features and pictures: decoding, the classifier API, and the CLI on the MNIST digits.
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as ii from '@internimage/core';
import '@internimage/backend-cpu';
import {
  ImageDecodeError, MNIST_LABELS, MNIST_MODEL, createClassifier, imagenetLabels, preprocess, readImage,
} from 'internimage';
import { fixturePath, readFixtureBytes } from '../harness/fixtures.js';

const BIN = fileURLToPath(new URL('../../packages/internimage/bin/internimage.js', import.meta.url));
const IMAGES = fileURLToPath(new URL('../images/', import.meta.url));
const DIGITS_DIR = fixturePath('mnist/digits');
const digits = readdirSync(DIGITS_DIR).filter((f) => f.endsWith('.png')).sort();
const reference = ii.readSafetensors(readFixtureBytes('mnist/mnist_test_reference.safetensors'));
const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
};
const referenceLogits = (index: number) => Array.from(reference.values('logits').data.subarray(index * 10, index * 10 + 10));
const argmax = (xs: ArrayLike<number>) => Array.from(xs).indexOf(Math.max(...Array.from(xs)));

test('PNG digits decode to the reference pixels', async (t) => {
  const pixels = reference.values('pixels').data;
  for (const f of digits.slice(0, 10)) {
    const img = await readImage(join(DIGITS_DIR, f));
    const n = Number(f.slice(0, 3));
    const gray = Array.from({ length: 28 * 28 }, (_, i) => img.data[i * img.channels]);
    t.deepEqual(gray, Array.from(pixels.subarray(n * 784, (n + 1) * 784)), f);
  }
});

test('JPEG decodes as PIL does (libjpeg-turbo through sharp), so preprocessing matches PIL bit for bit', async (t) => {
  const ours = preprocess(await readImage(join(IMAGES, 'chelsea.jpg')), 224);
  const pil = ii.readSafetensors(readFixtureBytes('preprocess_chelsea_jpeg_224.safetensors')).values('input').data;
  let maxAbs = 0;
  for (let i = 0; i < ours.length; i++) maxAbs = Math.max(maxAbs, Math.abs(ours[i]! - pil[i]!));
  t.true(maxAbs < 1e-6, `max abs ${maxAbs}`);
});

test('files that are not images are rejected with their name', async (t) => {
  await t.throwsAsync(readImage(fixturePath('op_cases.json')), { instanceOf: ImageDecodeError, message: /op_cases\.json: not a PNG or JPEG file/ });
  await t.throwsAsync(readImage('/nonexistent.png'), { instanceOf: ImageDecodeError, message: /\/nonexistent\.png: ENOENT/ });
  const truncated = readFileSync(join(IMAGES, 'chelsea.png')).subarray(0, 2000);
  const clf = await createClassifier({ weights: MNIST_MODEL, labels: MNIST_LABELS });
  await t.throwsAsync(clf.classify(truncated), { instanceOf: ImageDecodeError, message: /image 0: cannot decode/ });
  clf.dispose();
});

test.serial('createClassifier: batches, topK, labels, features, dispose', async (t) => {
  const before = ii.memory().tensors;
  const clf = await createClassifier({ weights: MNIST_MODEL, labels: MNIST_LABELS });
  t.is(clf.imageSize, 32);
  const one = await clf.classify(join(DIGITS_DIR, digits[0]!), { topK: 3 });
  t.is(one.length, 3);
  t.deepEqual(Object.keys(one[0]!).sort(), ['index', 'label', 'score']);
  t.true(one[0]!.score >= one[1]!.score && one[1]!.score >= one[2]!.score);
  const many = await clf.classify(digits.slice(0, 4).map((f) => join(DIGITS_DIR, f)), { topK: 1 });
  t.is(many.length, 4);
  const maps = await clf.features(join(DIGITS_DIR, digits[0]!));
  t.deepEqual(maps.map((m) => [...m.shape]), [[1, 16, 8, 8], [1, 32, 4, 4], [1, 64, 2, 2], [1, 128, 1, 1]]);
  ii.dispose(...maps);
  await t.throwsAsync(clf.classify([], {}), { message: /argument 'images' must be at least one image/ });
  await t.throwsAsync(clf.classify(join(DIGITS_DIR, digits[0]!), { topK: 0 }), { message: /argument 'topK' must be a positive integer/ });
  clf.dispose();
  t.is(ii.memory().tensors, before);
  await t.throwsAsync(createClassifier({ weights: MNIST_MODEL, labels: ['a', 'b'] }), { message: /argument 'labels' must be 10 names \(the model's classes\), got 2/ });
  t.is(imagenetLabels().length, 1000);
  t.is(imagenetLabels()[281], 'tabby, tabby cat');
});

test.serial('every one of the 100 bundled digits gets the official model\'s class and logits', async (t) => {
  const clf = await createClassifier({ weights: MNIST_MODEL, labels: MNIST_LABELS });
  const x = await clf.preprocess(digits.map((f) => join(DIGITS_DIR, f)));
  const logits = clf.model.classify(x);
  const ours = await logits.data();
  ii.dispose(x, logits);
  clf.dispose();
  const expected = digits.flatMap((f) => referenceLogits(Number(f.slice(0, 3))));
  t.true(ii.relativeL2Error(ours, expected) <= 1e-4);
  digits.forEach((f, i) => t.is(argmax(ours.subarray(i * 10, i * 10 + 10)), argmax(referenceLogits(Number(f.slice(0, 3)))), f));
});

test('CLI classify --json on the 100 digits predicts the official class of each', async (t) => {
  const paths = digits.map((f) => join(DIGITS_DIR, f));
  const { code, stdout, stderr } = await run('classify', ...paths, '--weights', MNIST_MODEL, '--top-k', '2', '--json');
  t.is(code, 0, stderr);
  const out = JSON.parse(stdout) as Array<{ image: string; predictions: Array<{ index: number; label: string; score: number }> }>;
  t.is(out.length, 100);
  out.forEach((r, i) => {
    t.is(r.image, paths[i]);
    t.is(r.predictions.length, 2);
    t.is(r.predictions[0]!.index, argmax(referenceLogits(Number(digits[i]!.slice(0, 3)))), digits[i]);
  });
});

test('CLI classify without weights says the weights are random', async (t) => {
  const { code, stdout } = await run('classify', join(DIGITS_DIR, digits[0]!), '--size', '32', '--top-k', '1', '--threads', '2');
  t.is(code, 0);
  t.regex(stdout, /InternImage-T @32 on wasm, weights: random \(seed 0\) — RANDOM WEIGHTS, predictions are meaningless/);
  const cpuThreads = await run('classify', join(DIGITS_DIR, digits[0]!), '--backend', 'cpu', '--threads', '2');
  t.is(cpuThreads.code, 2);
  t.regex(cpuThreads.stderr, /argument 'threads' must be 1 unless the backend is 'wasm', got 2/);
});

test('CLI visualize draws the sampling points and features writes the maps', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'vis-'));
  const png = join(dir, 'points.png');
  const vis = await run('visualize', join(DIGITS_DIR, digits[0]!), '--weights', MNIST_MODEL, '--out', png, '--stage', '1', '--at', '16,16', '--at', '4,4', '--scale', '8');
  t.is(vis.code, 0, vis.stderr);
  // stage 1 has 2 groups of 9 points; two query pixels.
  t.is(vis.stdout.split('\n').filter((l) => /^at \d+,\d+ group \d point \d:/.test(l)).length, 2 * 2 * 9);
  const img = await readImage(png);
  t.deepEqual([img.width, img.height], [256, 256]);
  const bad = await run('visualize', join(DIGITS_DIR, digits[0]!), '--weights', MNIST_MODEL, '--out', png, '--stage', '1', '--block', '3');
  t.is(bad.code, 2);
  t.regex(bad.stderr, /argument 'block' must be a block of stage 1 \(0\.\.0\), got 3/);
  const out = join(dir, 'features.safetensors');
  const feat = await run('features', join(DIGITS_DIR, digits[0]!), join(DIGITS_DIR, digits[1]!), '--weights', MNIST_MODEL, '--out', out);
  t.is(feat.code, 0, feat.stderr);
  const file = ii.readSafetensors(new Uint8Array(readFileSync(out)));
  t.deepEqual(file.names(), ['features.0', 'features.1', 'features.2', 'features.3']);
  t.deepEqual(file.entry('features.3').shape, [2, 128, 1, 1]);
});

test('npm start (the demo) classifies the bundled digits and labels the random photo model', async (t) => {
  const { code, stdout } = await run('demo');
  t.is(code, 0);
  t.regex(stdout, /10\/10 correct/);
  t.regex(stdout, /InternImage-T @224 on wasm, weights: random \(seed 0\) — RANDOM WEIGHTS/);
  t.is(stdout.split('\n').filter((l) => /^\s+\d+\.\d+%\s+\d+\s+\S/.test(l)).length, 5);
});
