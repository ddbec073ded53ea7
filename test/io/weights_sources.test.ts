// Weights from every source — a path, bytes, a Blob, a URL (a local server on 127.0.0.1) — give the same tensors and,
// for a corrupt .pth, the same error; downloads report progress, go into a Cache API cache only when complete, and
// come from it the next time.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as core from '@internimage/core';
import { MNIST_MODEL, loadModel, openWeightsFile, useBackend } from 'internimage';
import { fixturePath } from '../harness/fixtures.js';

const pth = new Uint8Array(readFileSync(MNIST_MODEL));
const safetensors = new Uint8Array(readFileSync(fixturePath('internimage/model_tiny_t.safetensors')));

/** Serves routes on a free loopback port; `cut` routes promise more bytes than they send. */
async function serve(routes: Record<string, Uint8Array>, cut: readonly string[] = []) {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url!);
    const body = routes[req.url!];
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': String(body.byteLength) });
    if (cut.includes(req.url!)) {
      res.write(body.subarray(0, 1000));
      setTimeout(() => res.destroy(), 20);
    } else res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** A Cache API stand-in (Node has none) that records what is stored. */
function fakeCaches() {
  const store = new Map<string, Uint8Array>();
  const caches = {
    open: async () => ({
      match: async (url: string) => (store.has(url) ? new Response(store.get(url)! as Uint8Array<ArrayBuffer>) : undefined),
      put: async (url: string, response: Response) => { store.set(url, new Uint8Array(await response.arrayBuffer())); },
    }),
  };
  return { store, install: () => Object.assign(globalThis, { caches }), remove: () => { delete (globalThis as { caches?: unknown }).caches; } };
}

const namesAndBytes = async (input: core.BytesInput) => {
  const file = await openWeightsFile(input);
  try {
    return file.names().map((n) => [n, Array.from(file.rawBytes(n).bytes.subarray(0, 16))]);
  } finally {
    file.close();
  }
};

test.serial('a .pth and a .safetensors open the same from a path, bytes, a Blob and a URL', async (t) => {
  const server = await serve({ '/m.pth': pth, '/t.safetensors': safetensors });
  try {
    const fromPath = await namesAndBytes(MNIST_MODEL);
    t.true(fromPath.length > 10);
    t.deepEqual(await namesAndBytes(pth), fromPath);
    t.deepEqual(await namesAndBytes(new Blob([pth])), fromPath);
    t.deepEqual(await namesAndBytes(`${server.url}/m.pth`), fromPath);
    t.deepEqual(await namesAndBytes(new URL(`${server.url}/m.pth`)), fromPath);
    const st = await namesAndBytes(fixturePath('internimage/model_tiny_t.safetensors'));
    t.deepEqual(await namesAndBytes(`${server.url}/t.safetensors`), st);
    t.deepEqual(await namesAndBytes(new Blob([safetensors])), st);
  } finally {
    await server.close();
  }
});

test.serial('a URL download reports progress up to its size', async (t) => {
  const server = await serve({ '/m.pth': pth });
  try {
    const seen: Array<[number, number]> = [];
    (await openWeightsFile(`${server.url}/m.pth`, { onProgress: (loaded, total) => seen.push([loaded, total]) })).close();
    t.true(seen.length >= 1);
    t.deepEqual(seen.at(-1), [pth.byteLength, pth.byteLength]);
    t.true(seen.every(([a], i) => i === 0 || a >= seen[i - 1]![0]));
  } finally {
    await server.close();
  }
});

test.serial('a corrupt .pth gives the same error from bytes, a Blob and a URL as from its file', async (t) => {
  await useBackend('cpu');
  const corrupt = Uint8Array.from(pth);
  corrupt[corrupt.byteLength - 2000]! ^= 0x55; // inside the last storages, before the central directory
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const path = join(mkdtempSync(join(tmpdir(), 'corrupt-')), 'm.pth');
  writeFileSync(path, corrupt);
  const server = await serve({ '/m.pth': corrupt });
  try {
    const fromFile = await t.throwsAsync(loadModel(path), { instanceOf: core.FormatError });
    for (const input of [corrupt, new Blob([corrupt]), `${server.url}/m.pth`]) {
      await t.throwsAsync(loadModel(input), { instanceOf: core.FormatError, message: fromFile!.message });
    }
  } finally {
    await server.close();
  }
});

test.serial('a cut-short download is an error and leaves nothing in the cache; a complete one is served from it next time', async (t) => {
  const cache = fakeCaches();
  const server = await serve({ '/m.pth': pth, '/cut.pth': pth }, ['/cut.pth']);
  cache.install();
  try {
    await t.throwsAsync(openWeightsFile(`${server.url}/cut.pth`), { message: /cut\.pth: download (failed after \d+ bytes|ended after \d+ of \d+ bytes)/ });
    t.deepEqual([...cache.store.keys()], []);
    (await openWeightsFile(`${server.url}/m.pth`)).close();
    t.deepEqual([...cache.store.keys()], [`${server.url}/m.pth`]);
    const progress: number[] = [];
    (await openWeightsFile(`${server.url}/m.pth`, { onProgress: (n) => progress.push(n) })).close();
    t.is(server.hits.filter((h) => h === '/m.pth').length, 1, 'the second open came from the cache');
    t.deepEqual(progress, [pth.byteLength]);
    (await openWeightsFile(`${server.url}/m.pth`, { cache: false })).close();
    t.is(server.hits.filter((h) => h === '/m.pth').length, 2, 'cache: false downloads');
  } finally {
    cache.remove();
    await server.close();
  }
});

test.serial('an HTTP error names the URL and the status', async (t) => {
  const server = await serve({});
  try {
    await t.throwsAsync(openWeightsFile(`${server.url}/nope.pth`), { message: `${server.url}/nope.pth: download failed (HTTP 404 Not Found)` });
  } finally {
    await server.close();
  }
});
