// `internimage batch` and `internimage worker` over a private Redis on 127.0.0.1: 1,000 MNIST digits through three
// worker processes, Redis restarted (losing every key) once and then one worker SIGKILLed mid-run; every image gets
// exactly one line, equal to the single-process result, and a rerun redoes nothing.
import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ii from '@internimage/core';
import { MNIST_MODEL, createClassifier, encodePng, readImage } from 'internimage';
import { modelId, queueName } from 'internimage/serve';
import { QueueEvents } from 'bullmq';
import { readFixtureBytes } from '../harness/fixtures.js';
import { type Started, redisMissing, startCli, startRedis } from '../harness/processes.js';

const COUNT = 1000;
const TOP_K = 3;
const missing = redisMissing();

interface Line {
  image: string;
  predictions?: Array<{ index: number; score: number }>;
  error?: string;
}

const readLines = (file: string): Line[] => {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
  } catch {
    return [];
  }
};

/** The first COUNT MNIST test digits as PNG files, plus a file that is not an image. */
function writeDigits(dir: string): string[] {
  const pixels = ii.readSafetensors(readFixtureBytes('mnist/mnist_test_reference.safetensors')).values('pixels');
  const [, h, w] = pixels.shape as [number, number, number];
  mkdirSync(dir, { recursive: true });
  return Array.from({ length: COUNT }, (_, i) => {
    const data = Uint8Array.from(pixels.data.subarray(i * h * w, (i + 1) * h * w));
    const path = join(dir, `digit-${String(i).padStart(4, '0')}.png`);
    writeFileSync(path, encodePng({ data, width: w, height: h, channels: 1 }));
    return path;
  });
}

async function until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

(missing ? test.skip : test)(`1,000 jobs on 3 workers survive a SIGKILLed worker and a Redis restart${missing ? ` (skipped: ${missing})` : ''}`, async (t) => {
  t.timeout(240_000);
  const dir = mkdtempSync(join(tmpdir(), 'scaleout-'));
  const images = writeDigits(join(dir, 'digits'));
  const bad = join(dir, 'digits', 'not-an-image.png');
  writeFileSync(bad, 'this is text');
  const list = join(dir, 'list.txt');
  writeFileSync(list, [...images, bad].join('\n'));
  const out = join(dir, 'results.jsonl');

  const clf = await createClassifier({ weights: MNIST_MODEL, backend: 'wasm' });
  const reference: Line['predictions'][] = [];
  for (let i = 0; i < COUNT; i += 100) {
    const batch = await Promise.all(images.slice(i, i + 100).map((p) => readImage(p)));
    reference.push(...await clf.classify(batch, { topK: TOP_K }));
  }
  clf.dispose();

  const redis = await startRedis();
  const events = new QueueEvents(queueName(modelId({ weights: MNIST_MODEL })), { connection: { url: redis.url, maxRetriesPerRequest: null } });
  events.on('error', () => {}); // while Redis restarts
  let killed = false;
  let stalled = 0;
  events.on('stalled', () => {
    if (killed) stalled++;
  });
  await events.waitUntilReady();
  const workers: Started[] = [];
  const started = performance.now();
  try {
    const workerArgs = ['worker', '--redis', redis.url, '--weights', MNIST_MODEL, '--concurrency', '16', '--lock-ms', '3000'];
    workers.push(...await Promise.all([0, 1, 2].map(() => startCli(workerArgs, /worker ready/))));
    const batchArgs = ['batch', list, '--redis', redis.url, '--weights', MNIST_MODEL, '--out', out, '--top-k', String(TOP_K)];
    const batch = await startCli(batchArgs, null);

    await until(() => readLines(out).length >= 150, '150 results', 60_000);
    await redis.restart();
    t.log(`restarted Redis (losing every key) after ${readLines(out).length} results`);
    // Killed after the restart, so only BullMQ's stalled-job check can hand its jobs in progress to the others.
    await until(() => readLines(out).length >= 500, '500 results', 90_000);
    killed = true;
    workers[0]!.child.kill('SIGKILL');
    const atKill = readLines(out).length;
    t.log(`SIGKILLed a worker after ${atKill} results`);
    t.true(atKill < COUNT, 'the worker was killed while jobs remained');
    const { code } = await batch.exited;
    t.is(code, 0, batch.output());
    t.true(stalled >= 1, 'the killed worker\'s jobs were taken over as stalled');
    t.log(`${stalled} stalled jobs taken over; ${COUNT + 1} images in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const lines = readLines(out);
    t.is(lines.length, COUNT + 1, 'one line per image');
    t.is(new Set(lines.map((l) => l.image)).size, COUNT + 1, 'no image twice');
    const byImage = new Map(lines.map((l) => [l.image, l]));
    t.regex(byImage.get(bad)!.error ?? '', /not a PNG or JPEG image/);
    let equal = 0;
    for (const [i, path] of images.entries()) {
      const got = byImage.get(path)!.predictions!;
      const want = reference[i]!;
      if (got.every((p, k) => p.index === want[k]!.index && Math.abs(p.score - want[k]!.score) < 1e-5)) equal++;
    }
    t.is(equal, COUNT, 'every result equals the single-process one');

    const rerun = await startCli(batchArgs, null);
    t.is((await rerun.exited).code, 0);
    t.regex(rerun.output(), new RegExp(`${COUNT + 1} already in .*0 written`));
    t.is(readLines(out).length, COUNT + 1);
  } finally {
    await events.close();
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await redis.stop();
  }
});
