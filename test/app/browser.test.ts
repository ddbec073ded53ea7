// The packages in a real browser: headless Chromium (the system's, see harness/browser.ts) runs the golden fixtures on
// wasm (1 and 2 threads, Web Workers over shared memory) and on gpu.js's WebGL2 and WebGPU modes (SwiftShader), the
// MNIST digits, a corrupt checkpoint, memory over many passes, and weights downloaded into the Cache API.
import test from 'ava';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ZipReader, bytesSource, dispose, tensor } from '@internimage/core';
import type { FixtureRunReport } from 'internimage';
import { DEFAULT_TOLERANCE, MNIST_MODEL, configFromOfficial, loadModel, preprocess, readImage, useBackend } from 'internimage';
import type { OpenedPage } from '../harness/browser.js';
import { chromiumMissing, openPage } from '../harness/browser.js';
import { fixturePath } from '../harness/fixtures.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const missing = chromiumMissing();
const browserTest = missing ? test.serial.skip : test.serial;
if (missing) console.log(`browser tests skipped: ${missing}`);

let opened: OpenedPage | undefined;
const page = () => opened!.page;
type Suite = Record<string, (...args: never[]) => Promise<unknown>>;
const call = <R>(name: string, ...args: unknown[]): Promise<R> =>
  page().evaluate(([n, a]) => ((globalThis as unknown as { suite: Suite }).suite[n as string] as (...x: unknown[]) => Promise<unknown>)(...(a as unknown[])), [name, args] as const) as Promise<R>;

test.before(async () => {
  if (missing) return;
  opened = await openPage(here('../browser/page.ts'), {
    '/fixtures/': fixturePath(''), '/images/': here('../images/'), '/assets/': fileURLToPath(new URL('../../packages/internimage/assets/', import.meta.url)),
  }, 'suite');
});
test.after.always(async () => { await opened?.close(); });

const failures = (r: FixtureRunReport) => r.results.filter((c) => !c.pass).map((c) => `${c.file}: ${JSON.stringify(c.outputs)} ${c.notes.join('; ')}`);

browserTest('the page is cross-origin isolated', async (t) => {
  t.true(await call<boolean>('isolated'));
});

for (const threads of [1, 2]) {
  browserTest(`every golden fixture passes on wasm with ${threads} thread(s), with Node's tolerances`, async (t) => {
    const r = await call<FixtureRunReport>('fixtures', { backend: 'wasm', threads });
    t.is(r.threads?.threads, threads, r.threads?.reason);
    t.deepEqual(failures(r), []);
    t.is(new Set(r.results.map((c) => c.kind)).size, Object.keys(DEFAULT_TOLERANCE).length + 1);
  });
}

// SwiftShader compiles every generated shader on the CPU: one case of each kind keeps these to well under a minute.
const ONE_OF_EACH_KIND = ['dcnv3_core_basic.safetensors', 'dcnv3_module_basic.safetensors', 'model_tiny_t.safetensors', 'preprocess_digit9_32.safetensors'];
for (const backend of ['gpujs-webgl2', 'gpujs-webgpu']) {
  browserTest(`a golden fixture of each kind passes on ${backend}`, async (t) => {
    const r = await call<FixtureRunReport>('fixtures', { backend, files: ONE_OF_EACH_KIND });
    t.is(r.backend, backend);
    t.is(r.results.length, ONE_OF_EACH_KIND.length);
    t.deepEqual(failures(r), []);
  });
}

browserTest('the 100 MNIST digits give the official model\'s classes and logits', async (t) => {
  const digits = readdirSync(fixturePath('mnist/digits')).filter((f) => f.endsWith('.png')).sort();
  t.is(digits.length, 100);
  const r = await call<{ relL2: number; classes: Array<[number, number]> }>('mnist', 'wasm', digits);
  t.true(r.relL2 <= 1e-4, `relative L2 ${r.relL2}`);
  r.classes.forEach(([ours, official], i) => t.is(ours, official, digits[i]));
});

browserTest('wasm in the page gives the same logits as in Node, bit for bit, on 1 and 2 threads', async (t) => {
  const digits = readdirSync(fixturePath('mnist/digits')).filter((f) => f.endsWith('.png')).sort().slice(0, 16);
  await useBackend('wasm');
  const meta = JSON.parse(readFileSync(fixturePath('mnist/meta.json'), 'utf8')) as { config: Record<string, unknown>; img_size: number };
  const { model } = await loadModel(MNIST_MODEL, { config: configFromOfficial(meta.config) });
  const size = meta.img_size;
  const batch = new Float32Array(digits.length * 3 * size * size);
  for (const [i, f] of digits.entries()) batch.set(preprocess(await readImage(fixturePath(`mnist/digits/${f}`)), size), i * 3 * size * size);
  const x = tensor(batch, [digits.length, 3, size, size]);
  const y = model.classify(x);
  const inNode = Array.from(await y.data());
  dispose(x, y);
  model.dispose();
  t.deepEqual(await call<number[]>('mnistLogits', digits, 1), inNode);
  t.deepEqual(await call<number[]>('mnistLogits', digits, 2), inNode);
});

browserTest('a PNG preprocesses to the same tensor in the page as in Node, bit for bit', async (t) => {
  const inNode = Array.from(preprocess(await readImage(here('../images/chelsea.png')), 224));
  t.deepEqual(await call<number[]>('preprocessed', '/images/chelsea.png', 224), inNode);
});

browserTest('a digit classifies the same from bytes, a URL, a Blob, ImageData, an ImageBitmap and an <img>', async (t) => {
  const r = await call<Record<string, [string, number]>>('inputKinds', '/fixtures/mnist/digits/000_label9.png');
  t.deepEqual(Object.keys(r), ['bytes', 'url', 'blob', 'imageData', 'bitmap', 'img']);
  for (const [kind, [label, score]] of Object.entries(r)) {
    t.is(label, '9', kind);
    t.is(score, r.bytes![1], kind);
  }
});

browserTest('the ImageNet labels load from the package assets, and gpujs opens WebGPU first', async (t) => {
  t.deepEqual(await call('labels'), [1000, 'tabby, tabby cat']);
  t.deepEqual(await call('gpujsAuto'), { mode: 'webgpu', refused: {} });
});

browserTest('a corrupt .pth is refused in the page with the same error as in Node', async (t) => {
  const bytes = new Uint8Array(readFileSync(MNIST_MODEL));
  const zip = new ZipReader(bytesSource(bytes));
  const storage = zip.entries.filter((e) => /\/data\/\d+$/.test(e.name)).sort((a, b) => b.size - a.size)[0]!;
  const head = bytes.subarray(storage.localHeaderOffset);
  const flipAt = storage.localHeaderOffset + 30 + (head[26]! | (head[27]! << 8)) + (head[28]! | (head[29]! << 8)) + 7;
  const corrupt = Uint8Array.from(bytes);
  corrupt[flipAt]! ^= 0xff;
  const path = join(mkdtempSync(join(tmpdir(), 'corrupt-')), 'internimage_mnist_32.pth');
  writeFileSync(path, corrupt);
  await useBackend('wasm');
  const inNode = await t.throwsAsync(loadModel(path));
  t.regex(inNode!.message, /CRC-32 .* does not match the recorded/);
  t.is(await call<string>('corrupt', '/assets/mnist/internimage_mnist_32.pth', flipAt), inNode!.message);
});

browserTest('200 passes leave memory() unchanged', async (t) => {
  const r = await call<{ before: object; after: object }>('memoryAfterPasses', 'wasm', 200);
  t.deepEqual(r.after, r.before);
});

browserTest('without cross-origin isolation wasm runs on one thread and says why', async (t) => {
  const plain = await openPage(here('../browser/page.ts'), {
    '/fixtures/': fixturePath(''), '/assets/': fileURLToPath(new URL('../../packages/internimage/assets/', import.meta.url)),
  }, 'suite', { coopCoep: false });
  try {
    const r = await plain.page.evaluate(() => (globalThis as unknown as { suite: { wasmThreads(): Promise<{ isolated: boolean; info: { threads: number; requested: number; reason?: string }; notes: string[]; label: string }> } }).suite.wasmThreads());
    t.false(r.isolated);
    t.is(r.label, '9');
    t.like(r.info, { threads: 1, requested: 2 });
    t.regex(r.info.reason ?? '', /not cross-origin isolated/);
    t.true(r.notes.some((n) => /^1 thread\(s\) instead of 2: the page is not cross-origin isolated/.test(n)));
    t.deepEqual(plain.errors, []);
  } finally {
    await plain.close();
  }
});

browserTest('the page has logged no errors so far', (t) => {
  t.deepEqual(opened!.errors, []);
});

browserTest('downloaded weights are kept in the Cache API; a download cut short leaves nothing there', async (t) => {
  const url = '/assets/mnist/internimage_mnist_32.pth?cache-test'; // a URL no earlier test has cached
  const count = () => opened!.server.requests.filter((p) => p === url).length;
  const size = readFileSync(MNIST_MODEL).byteLength;
  const first = await call<{ error: string | null; progress: number; cached: number | null }>('loadFromUrl', url);
  t.deepEqual(first, { error: null, progress: size, cached: size });
  const again = await call<{ error: string | null; cached: number | null }>('loadFromUrl', url);
  t.is(again.error, null);
  t.is(count(), 1, 'the second load came from the cache');

  // A server on another port that promises more bytes than it sends (CORS headers let the isolated page read it).
  const cut = createServer((req, res) => {
    res.writeHead(200, {
      'content-length': '100000', 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin',
    });
    res.write(new Uint8Array(1000));
    setTimeout(() => res.destroy(), 50);
  });
  await new Promise<void>((resolve) => cut.listen(0, '127.0.0.1', resolve));
  try {
    const broken = await call<{ error: string | null; cached: number | null }>('loadFromUrl', `http://127.0.0.1:${(cut.address() as AddressInfo).port}/partial.pth`);
    t.regex(broken.error ?? '', /partial\.pth: download (failed after \d+ bytes|ended after \d+ of 100000 bytes)/);
    t.is(broken.cached, null);
  } finally {
    cut.closeAllConnections();
    cut.close();
  }
});

