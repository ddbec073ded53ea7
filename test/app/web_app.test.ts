// The web app end to end in headless Chromium: it loads with the bundled MNIST model, classifies an uploaded digit as
// the official model does, draws the sampling points of a clicked pixel, reports a non-image, a corrupt checkpoint and
// a checkpoint that is not InternImage as errors and keeps working, and logs no console error. A screenshot is saved
// to test/output/web-app.png.
import test from 'ava';
import type { Page } from 'playwright-core';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { readSafetensors, writeSafetensors } from '@internimage/core';
import '@internimage/backend-cpu';
import { MNIST_MODEL, createClassifier } from 'internimage';
import { chromiumMissing, launchBrowser } from 'internimage/browser-runner';
import { readFixtureBytes } from '../harness/fixtures.js';
import { buildAndServeWebApp } from '../harness/web_app.js';

const DIGIT = '000_label9.png';
const digitPath = fileURLToPath(new URL(`../fixtures/mnist/digits/${DIGIT}`, import.meta.url));
const screenshot = fileURLToPath(new URL('../output/web-app.png', import.meta.url));

/** The official model's probabilities for reference digit `index` (softmax of its float64 logits). */
function officialProbabilities(index: number): number[] {
  const logits = readSafetensors(readFixtureBytes('mnist/mnist_test_reference.safetensors')).values('logits').data;
  const row = Array.from(logits.subarray(index * 10, index * 10 + 10));
  const max = Math.max(...row);
  const exp = row.map((v) => Math.exp(v - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((e) => e / sum);
}

/** Waits until the status line settles (a result, an error, or the model waiting for an image) on a text other
 * than `previous`, and returns it. */
async function settledStatus(page: Page, previous = ''): Promise<string> {
  const handle = await page.waitForFunction((prev) => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document;
    const text = doc.querySelector('[data-testid="status"]')?.textContent ?? '';
    return text !== prev && /^(ready$|error:|model ready)/.test(text) ? text : null;
  }, previous, { timeout: 120_000 });
  return (await handle.jsonValue()) as string;
}

/** The bundled checkpoint with one byte flipped inside a tensor's storage (its CRC-32 no longer matches). */
function corruptCheckpoint(): Uint8Array {
  const bytes = new Uint8Array(readFileSync(MNIST_MODEL));
  bytes[bytes.length >> 1]! ^= 0xff;
  return bytes;
}

/** A valid safetensors file whose tensors are not an InternImage's. */
const otherModel = () => writeSafetensors({
  'encoder.weight': { dtype: 'float32', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) },
  'encoder.bias': { dtype: 'float32', shape: [2], data: Float32Array.of(0, 1) },
});

/** What Node says when asked to load these weights. */
async function nodeError(weights: Uint8Array): Promise<string> {
  try {
    (await createClassifier({ weights, backend: 'cpu' })).dispose();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('Node loaded the weights the page must refuse');
}

const skip = chromiumMissing();

(skip ? test.skip : test)(`web app: classify a digit, show its sampling points, report bad files${skip ? ` (skipped: ${skip})` : ''}`, async (t) => {
  const app = await buildAndServeWebApp();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(app.url);
    const loaded = await settledStatus(page);
    t.regex(loaded, /^model ready/, 'the bundled model loads');
    t.true(await page.evaluate('crossOriginIsolated'), 'the server sends COOP/COEP');

    // A digit: the top class and its probability are the official model's.
    await page.getByTestId('image-input').setInputFiles(digitPath);
    t.is(await settledStatus(page, loaded), 'ready');
    const rows = await page.getByTestId('predictions').locator(':scope > *').allTextContents();
    t.is(rows.length, 5);
    const probs = officialProbabilities(Number(DIGIT.slice(0, 3)));
    const official = probs.indexOf(Math.max(...probs));
    t.regex(rows[0]!, new RegExp(`^${official}\\b`), `top class ${official} (rows: ${rows.join(' | ')})`);
    t.true(rows[0]!.includes(`${(100 * probs[official]!).toFixed(1)} %`), `probability ${(100 * probs[official]!).toFixed(1)} % (row: ${rows[0]})`);

    // A click on the image draws the sampling points of stage 1, block 0 for that pixel, with a legend.
    await page.locator('#view').click({ position: { x: 224, y: 224 } });
    await page.locator('#legend .swatches li').first().waitFor({ timeout: 30_000 });
    t.is(await page.locator('#legend .swatches li').count(), 2, 'stage 1 of the MNIST model has 2 groups');

    // Not an image, a corrupt checkpoint, a checkpoint that is not InternImage: errors in words (the checkpoints'
    // the same as in Node), and the app still classifies with the model it had.
    await page.getByTestId('image-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
    let error = await settledStatus(page, 'ready');
    t.regex(error, /^error: .*notes\.txt.*not a PNG or JPEG/);
    for (const [name, bytes] of [['corrupt_mnist_32.pth', corruptCheckpoint()], ['other_model.safetensors', await otherModel()]] as const) {
      await page.getByTestId('weights-input').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
      error = await settledStatus(page, error);
      t.is(error, `error: ${await nodeError(bytes)}`, name);
    }
    await page.getByTestId('image-input').setInputFiles(digitPath);
    t.is(await settledStatus(page, error), 'ready', 'the app works after errors');
    t.regex((await page.getByTestId('predictions').locator(':scope > *').first().textContent())!, new RegExp(`^${official} `));

    await page.locator('#view').click({ position: { x: 200, y: 160 } });
    await page.locator('#legend').filter({ hasText: 'pixel (14, 11)' }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshot, fullPage: true });
    t.log(`screenshot: ${screenshot}`);
    t.deepEqual(consoleErrors, [], 'no console errors');
  } finally {
    await browser.close();
    await app.close();
  }
});
