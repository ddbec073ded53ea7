// The published-checkpoint commands as a user runs them, against a local stand-in for the Hub (HF_ENDPOINT):
// download, models, classify --weights <name>, offline mode, and the demo's hint when nothing is cached.
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { streamSafetensorsFile } from '@internimage/core';
import { MNIST_MODEL, mnistDigits, parameterSpecs, variantConfig } from 'internimage';
import { hubForTestFile } from '../harness/hub_server.js';

const BIN = fileURLToPath(new URL('../../packages/internimage/bin/internimage.js', import.meta.url));

const { hub, freshCache } = await hubForTestFile();
// The bundled MNIST InternImage plays the published T checkpoint: a real .pth the CLI can classify with.
hub.host('OpenGVLab/InternImage', 'internimage_t_1k_224.pth', readFileSync(MNIST_MODEL));

const run = async (env: Record<string, string>, ...args: string[]) => {
  const base = { ...process.env };
  for (const k of ['HF_HUB_OFFLINE', 'HF_TOKEN', 'HF_HOME', 'HF_HUB_CACHE']) delete base[k];
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...base, ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
};

test.serial('download, then models marks it cached, then classify --weights <name> works offline', async (t) => {
  const env = { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: freshCache() };
  const offline = await run({ ...env, HF_HUB_OFFLINE: '1' }, 'classify', mnistDigits()[0]!, '--weights', 'internimage_t_1k_224');
  t.is(offline.code, 2);
  t.regex(offline.stderr, /internimage_t_1k_224 is not in the cache .* run 'internimage download internimage_t_1k_224'/);

  const got = await run(env, 'download', 'internimage_t_1k_224');
  t.is(got.code, 0, got.stderr);
  t.regex(got.stdout, new RegExp(`internimage_t_1k_224: downloaded and verified: .*snapshots/${hub.commit}/internimage_t_1k_224\\.pth`));
  const again = await run(env, 'download', 'internimage_t_1k_224');
  t.regex(again.stdout, /already in the cache/);

  const listed = await run(env, 'models', '--json');
  const rows = JSON.parse(listed.stdout) as Array<{ name: string; cached: string | null }>;
  t.truthy(rows.find((r) => r.name === 'internimage_t_1k_224')!.cached);
  t.is(rows.filter((r) => r.cached).length, 1);

  const requests = hub.requests.length;
  const cls = await run({ ...env, HF_HUB_OFFLINE: '1' }, 'classify', mnistDigits()[0]!, '--weights', 'internimage_t_1k_224', '--backend', 'cpu', '--size', '32');
  t.is(cls.code, 0, cls.stderr);
  t.regex(cls.stdout, /weights: internimage_t_1k_224/);
  t.regex(cls.stdout, /note: weights found in the cache/);
  t.is(hub.requests.length, requests);
});

test.serial('download reports a missing file and an unknown name, and exits non-zero', async (t) => {
  const env = { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: freshCache() };
  const missing = await run(env, 'download', 'internimage_s_1k_224', 'internimage_s_1k_22');
  t.is(missing.code, 1);
  t.regex(missing.stderr, /internimage_s_1k_224: HTTP 404 \(the file does not exist/);
  t.regex(missing.stderr, /unknown checkpoint 'internimage_s_1k_22': did you mean 'internimage_s_1k_224'/);
});

test.serial('the demo downloads nothing and says in one line how to get the published weights', async (t) => {
  const env = { HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: freshCache() };
  const requests = hub.requests.length;
  const demo = await run(env, 'demo');
  t.is(demo.code, 0, demo.stderr);
  t.is(demo.stdout.split('\n').filter((l) => l.includes('internimage download internimage_t_1k_224')).length, 1);
  t.regex(demo.stdout, /RANDOM WEIGHTS/);
  t.is(hub.requests.length, requests);
});

test.serial('the demo classifies the photo with internimage_t_1k_224 when it is in the cache', async (t) => {
  // A T-shaped checkpoint (zeros, running variances 1) placed as huggingface_hub lays files out: real shapes, no
  // download, and a uniform top-5 (the point is which weights the demo picks, not what they predict).
  const cache = freshCache();
  const repo = join(cache, 'models--OpenGVLab--InternImage');
  const commit = 'b'.repeat(40);
  const etag = 'c'.repeat(64);
  mkdirSync(join(repo, 'blobs'), { recursive: true });
  mkdirSync(join(repo, 'snapshots', commit), { recursive: true });
  mkdirSync(join(repo, 'refs'));
  streamSafetensorsFile(join(repo, 'blobs', etag), parameterSpecs(variantConfig('t')).map((p) => {
    const elements = p.shape.reduce((a, b) => a * b, 1);
    return {
      name: p.name, dtype: 'float32', shape: p.shape, byteLength: elements * 4,
      read: () => new Uint8Array(new Float32Array(elements).fill(p.name.endsWith('running_var') ? 1 : 0).buffer),
    };
  }));
  symlinkSync(join('..', '..', 'blobs', etag), join(repo, 'snapshots', commit, 'internimage_t_1k_224.pth'));
  writeFileSync(join(repo, 'refs', 'main'), commit);
  const requests = hub.requests.length;
  const demo = await run({ HF_ENDPOINT: hub.endpoint, HF_HUB_CACHE: cache }, 'demo');
  t.is(demo.code, 0, demo.stderr);
  t.regex(demo.stdout, /2\. InternImage-T @224 on wasm, weights: internimage_t_1k_224\n/);
  t.notRegex(demo.stdout, /RANDOM|internimage download/);
  t.is(demo.stdout.split('\n').filter((l) => /^\s+\d+\.\d+%\s+\d+\s+\S/.test(l)).length, 5);
  t.is(hub.requests.length, requests);
});
