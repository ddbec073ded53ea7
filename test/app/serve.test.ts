// `internimage serve` on the MNIST model, all on 127.0.0.1: dynamic batching gives the single-image results in fewer
// forward passes, a full queue answers 503, bad input gets a 4xx that says why and harms no one, a failing batch fails
// only itself, metrics are exposed, and SIGTERM finishes queued work before exiting 0.
import test from 'ava';
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import type { Classifier } from 'internimage';
import { MNIST_MODEL, createClassifier, decodeImage, encodePng, mnistDigits } from 'internimage';
import { BatcherClosedError, DynamicBatcher, QueueFullError, createServer } from 'internimage/serve';
import { startCli } from '../harness/processes.js';

const digits = mnistDigits().map((p) => new Uint8Array(readFileSync(p)));
const clf = await createClassifier({ weights: MNIST_MODEL, backend: 'wasm' });
test.after.always(() => clf.dispose());

async function withServer(options: Parameters<typeof createServer>[1], body: (url: string, server: Awaited<ReturnType<typeof createServer>>) => Promise<void>, classifier: Classifier = clf) {
  const server = await createServer(classifier, options);
  const url = await server.app.listen({ host: '127.0.0.1', port: 0 });
  try {
    await body(url, server);
  } finally {
    await server.close();
  }
}

const png = (bytes: Uint8Array, init: RequestInit = {}) => ({ method: 'POST', body: bytes as Uint8Array<ArrayBuffer>, headers: { 'content-type': 'image/png' }, ...init });
const postDigit = async (url: string, i: number, query = '') => {
  const res = await fetch(`${url}/v1/classify${query}`, png(digits[i % digits.length]!));
  return { status: res.status, body: await res.json() as { predictions: Array<Array<{ index: number; score: number }>>; error?: string } };
};
const metricValue = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);

test('the batcher runs items of one key per batch, at most maxBatch, and returns each output to its caller', async (t) => {
  const runs: Array<[string, number[]]> = [];
  const batcher = new DynamicBatcher<number, string>(async (key, inputs) => {
    runs.push([key, inputs]);
    if (inputs.includes(13)) throw new Error('unlucky');
    return inputs.map((x) => `${key}${x}`);
  }, { maxBatch: 3, maxWaitMs: 20, maxQueue: 10 });
  const a = batcher.submit('a', [1, 2]);
  const b = batcher.submit('b', [3]);
  const c = batcher.submit('a', [4, 5]);
  const bad = batcher.submit('c', [13]);
  t.is(batcher.depth, 6);
  t.true(batcher.canAccept(4));
  t.false(batcher.canAccept(5));
  await t.throwsAsync(batcher.submit('a', [0, 0, 0, 0, 0, 0]), { instanceOf: QueueFullError });
  t.deepEqual(await a, ['a1', 'a2']);
  t.deepEqual(await b, ['b3']);
  t.deepEqual(await c, ['a4', 'a5']);
  await t.throwsAsync(bad, { message: 'unlucky' });
  t.deepEqual(runs, [['a', [1, 2]], ['b', [3]], ['a', [4, 5]], ['c', [13]]]);
  await batcher.close();
  await t.throwsAsync(batcher.submit('a', [1]), { instanceOf: BatcherClosedError });
});

test.serial('concurrent requests share forward passes and each gets its own single-image result', async (t) => {
  const single = await Promise.all(digits.map((d) => decodeImage(d).then((img) => clf.classify(img, { topK: 3 }))));
  await withServer({ modelName: 'mnist', maxBatch: 8, maxWaitMs: 50 }, async (url, server) => {
    const n = 24;
    const responses = await Promise.all(Array.from({ length: n }, (_, i) => postDigit(url, i, '?top_k=3')));
    for (const [i, r] of responses.entries()) {
      t.is(r.status, 200);
      const want = single[i % digits.length]!;
      t.deepEqual(r.body.predictions[0]!.map((p) => p.index), want.map((p) => p.index), `request ${i}`);
      r.body.predictions[0]!.forEach((p, k) => t.true(Math.abs(p.score - want[k]!.score) < 1e-5, `request ${i} score ${k}`));
    }
    const passes = (await server.metrics.batchSize.get()).values.find((v) => v.metricName === 'internimage_batch_size_count')!.value;
    t.true(passes <= n / 2, `${n} requests took ${passes} forward passes`);
    t.log(`${n} concurrent requests → ${passes} forward passes`);

    const multi = await fetch(`${url}/v1/classify?top_k=1`, { method: 'POST', body: (() => {
      const form = new FormData();
      for (const i of [0, 1, 2]) form.append('image', new Blob([digits[i]!], { type: 'image/png' }), `d${i}.png`);
      return form;
    })() });
    const body = await multi.json() as { model: string; predictions: Array<Array<{ index: number; label: string }>> };
    t.is(multi.status, 200);
    t.is(body.model, 'mnist');
    t.deepEqual(body.predictions.map((p) => p[0]!.index), [0, 1, 2].map((i) => single[i]![0]!.index));
  });
});

test.serial('past --max-queue waiting images, requests get 503 with Retry-After and /readyz is not ready', async (t) => {
  await withServer({ modelName: 'mnist', maxBatch: 16, maxWaitMs: 1500, maxQueue: 2 }, async (url, server) => {
    const waiting = [postDigit(url, 0), postDigit(url, 1)];
    while (server.batcher.depth < 2) await new Promise((r) => setTimeout(r, 5));
    const refused = await fetch(`${url}/v1/classify`, png(digits[2]!));
    t.is(refused.status, 503);
    t.is(refused.headers.get('retry-after'), '1');
    t.regex((await refused.json() as { error: string }).error, /queue is full/);
    t.is((await fetch(`${url}/readyz`)).status, 503);
    t.deepEqual((await Promise.all(waiting)).map((r) => r.status), [200, 200]);
    t.is((await fetch(`${url}/readyz`)).status, 200);
  });
});

/** A PNG signature and IHDR chunk that declare `width`×`height`, and nothing after. */
function pngHeaderOnly(width: number, height: number): Uint8Array {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  b.set([8, 6, 0, 0, 0], 24);
  return b;
}

test.serial('bad input gets a 4xx with a JSON error saying what is wrong, and the next request is served', async (t) => {
  await withServer({ modelName: 'mnist', maxBodyBytes: 4096 }, async (url) => {
    const form = new FormData();
    form.append('image', new Blob([new Uint8Array(5000)]), 'big.png');
    const cases: Array<[string, RequestInit, number, RegExp]> = [
      ['not an image', png(new TextEncoder().encode('hello, world')), 415, /not a PNG or JPEG/],
      ['truncated PNG', png(digits[0]!.subarray(0, 100)), 400, /cannot decode/],
      ['decompression bomb', png(pngHeaderOnly(100_000, 100_000)), 413, /declares 100000×100000/],
      ['empty body', png(new Uint8Array(0)), 400, /empty/],
      ['body over the limit', png(new Uint8Array(5000)), 413, /larger than the limit of 4096 bytes/],
      ['file over the limit', { method: 'POST', body: form }, 413, /larger than the limit/],
      ['wrong content type', { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } }, 415, /'text\/plain' is not accepted/],
      ['bad top_k', png(digits[0]!), 400, /top_k must be an integer from 1 to 10/],
    ];
    for (const [name, init, status, message] of cases) {
      const res = await fetch(`${url}/v1/classify${name === 'bad top_k' ? '?top_k=11' : ''}`, init);
      t.is(res.status, status, name);
      t.regex((await res.json() as { error: string }).error, message, name);
      const next = await postDigit(url, 3);
      t.is(next.status, 200, `after ${name}`);
    }
  });
});

test.serial('an exception in a forward pass fails only that batch with 500', async (t) => {
  const failing: Classifier = {
    ...clf,
    classify: (async (images: Parameters<Classifier['classify']>[0], options?: { topK?: number }) => {
      if (Array.isArray(images) && images.some((i) => typeof i === 'object' && 'width' in i && i.width === 7)) throw new Error('boom');
      return clf.classify(images as never, options);
    }) as unknown as Classifier['classify'],
  };
  const seven = encodePng({ data: new Uint8Array(7 * 7 * 4).fill(255), width: 7, height: 7, channels: 4 });
  await withServer({ modelName: 'mnist', maxWaitMs: 0 }, async (url) => {
    const bad = await fetch(`${url}/v1/classify`, png(seven));
    t.is(bad.status, 500);
    t.regex((await bad.json() as { error: string }).error, /inference failed: boom/);
    t.is((await postDigit(url, 0)).status, 200);
  }, failing);
});

test.serial('features come as JSON or safetensors; models, health and metrics are exposed', async (t) => {
  await withServer({ modelName: 'mnist' }, async (url) => {
    const json = await (await fetch(`${url}/v1/features`, png(digits[0]!))).json() as { shape: number[]; features: number[][] };
    t.deepEqual(json.shape, [1, 128]);
    const maps = await clf.features(await decodeImage(digits[0]!));
    const last = await maps[3]!.data();
    const plane = maps[3]!.shape[2]! * maps[3]!.shape[3]!;
    const pooled0 = Array.from({ length: plane }, (_, i) => last[i]!).reduce((a, b) => a + b, 0) / plane;
    for (const m of maps) m.dispose();
    t.true(Math.abs(json.features[0]![0]! - pooled0) < 1e-5);

    const st = await fetch(`${url}/v1/features?stage=1`, png(digits[0]!, { headers: { 'content-type': 'image/png', accept: 'application/octet-stream' } }));
    const bytes = new Uint8Array(await st.arrayBuffer());
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))))) as Record<string, { shape: number[] }>;
    t.deepEqual(header.features!.shape, [1, 32, 4, 4]);
    t.is((await fetch(`${url}/v1/features?stage=5`, png(digits[0]!))).status, 400);

    const models = await (await fetch(`${url}/v1/models`)).json() as { models: Array<{ id: string; input_size: number; labels: string[] }> };
    t.like(models.models[0], { id: 'mnist', input_size: 32 });
    t.is(models.models[0]!.labels.length, 10);
    t.deepEqual(await (await fetch(`${url}/healthz`)).json(), { status: 'ok' });
    t.is((await fetch(`${url}/readyz`)).status, 200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    t.regex(metrics, /internimage_http_requests_total\{route="\/v1\/features",method="POST",status="200"\} 2/);
    t.regex(metrics, /internimage_http_requests_total\{route="\/v1\/features",method="POST",status="400"\} 1/);
    t.regex(metrics, /internimage_http_request_duration_seconds_bucket\{le="\+Inf",route="\/v1\/features"\} 3/);
    t.is(metricValue(metrics, 'internimage_batch_size_count'), 2);
    t.is(metricValue(metrics, 'internimage_inference_duration_seconds_count'), 2);
    t.is(metricValue(metrics, 'internimage_queue_depth'), 0);
  });
});

test.serial('the CLI server answers, and on SIGTERM finishes queued requests and exits 0', async (t) => {
  // The batch window (60 s) outlasts the test: only the shutdown can have run the queued images.
  const server = await startCli(['serve', '--weights', MNIST_MODEL, '--port', '0', '--max-wait-ms', '60000'], /listening on (\S+)/);
  const url = server.match[1]!;
  const pending = Array.from({ length: 6 }, (_, i) => postDigit(url, i));
  while (!/internimage_queue_depth 6/.test(await (await fetch(`${url}/metrics`)).text())) await new Promise((r) => setTimeout(r, 10));
  const signalled = performance.now();
  server.child.kill('SIGTERM');
  const results = await Promise.all(pending);
  t.deepEqual(results.map((r) => r.status), [200, 200, 200, 200, 200, 200]);
  t.deepEqual(results.map((r) => r.body.predictions[0]![0]!.index), [9, 0, 2, 5, 8, 6]);
  const { code } = await server.exited;
  t.is(code, 0);
  t.true(performance.now() - signalled < 30_000, 'the queued images ran at once, not when the batch window closed');
  t.regex(server.output(), /SIGTERM: no new requests; finishing 6 queued images\nstopped/);
});

/** Requests per second and latency of the CLI server under `connections` clients for `seconds`. */
async function load(serveArgs: string[], connections: number, seconds: number) {
  const server = await startCli(['serve', '--weights', MNIST_MODEL, '--port', '0', '--max-queue', '1024', ...serveArgs], /listening on (\S+)/);
  const run = (limit: { amount: number } | { duration: number }) => autocannon({
    url: `${server.match[1]}/v1/classify`, method: 'POST', body: Buffer.from(digits[0]!), headers: { 'content-type': 'image/png' },
    connections, ...limit,
  });
  try {
    await run({ amount: 2 * connections }); // warm up; every request completes, so none is left queued
    const result = await run({ duration: seconds });
    const metrics = await (await fetch(`${server.match[1]}/metrics`)).text();
    return { ...result, meanBatch: metricValue(metrics, 'internimage_batch_size_sum') / metricValue(metrics, 'internimage_batch_size_count') };
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

test.serial('under 64 connections: no errors, and concurrent requests share forward passes', async (t) => {
  const single = await load(['--max-batch', '1'], 64, 3);
  const batched = await load(['--max-batch', '32'], 64, 3);
  for (const [name, r] of [['one per pass', single], ['batched', batched]] as const) {
    t.is(r.errors + r.timeouts + r.non2xx, 0, `${name}: errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}`);
    t.true(r.requests.total > 0, name);
    t.log(`${name}: ${r.requests.average.toFixed(1)} images/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${r.meanBatch.toFixed(1)} images per pass`);
  }
  // Throughput is measured by bench/serve.bench.ts (a timed ratio on 2 shared cores is no test); here: with 64
  // clients waiting, the batched server runs several images per forward pass, the other exactly one.
  t.log(`throughput, batched / one per pass: ${(batched.requests.average / single.requests.average).toFixed(2)}×`);
  t.is(single.meanBatch, 1);
  t.true(batched.meanBatch >= 3, `${batched.meanBatch.toFixed(2)} images per forward pass under 64 connections`);
});
