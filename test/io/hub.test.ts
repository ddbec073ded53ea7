// Published checkpoints by name: the registry, and downloads into the Hugging Face cache from a local server that
// answers like the Hub (no internet): cache layout, no second request, offline mode, Python's layout, integrity,
// interrupted and resumed downloads, and clear errors.
import test from 'ava';
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ii from '@internimage/core';
import '@internimage/backend-cpu';
import { CHECKPOINTS, MNIST_MODEL, UnknownCheckpointError, findCheckpoint, loadModel, parseWeightsSpec } from 'internimage';
import { DownloadError, IntegrityError, hubLabels, resolveWeights } from 'internimage/hub';
import { hubForTestFile } from '../harness/hub_server.js';

await ii.setBackend('cpu');

const REPO = 'OpenGVLab/InternImage';
// The bundled MNIST InternImage plays the published T checkpoint: a real .pth the loader can open.
const CHECKPOINT = readFileSync(MNIST_MODEL);
const SHA = createHash('sha256').update(CHECKPOINT).digest('hex');

const { hub, freshCache } = await hubForTestFile();
hub.host(REPO, 'internimage_t_1k_224.pth', CHECKPOINT);
hub.host(REPO, 'small.bin', Buffer.alloc(300_000, 7));

const options = (cacheDir: string, extra = {}) => ({ endpoint: hub.endpoint, cacheDir, offline: false, ...extra });
const snapshotFiles = (cacheDir: string) => {
  const root = join(cacheDir, 'models--OpenGVLab--InternImage', 'snapshots');
  try {
    return readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => !e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
};

test('the registry lists every published checkpoint with its file, size and label set', (t) => {
  const names = CHECKPOINTS.map((c) => c.name);
  for (const name of ['internimage_t_1k_224', 'internimage_g_22kto1k_512', 'internimage_h_jointto22k_384', 'upernet_internimage_h_896_160k_ade20k']) {
    t.true(names.includes(name), name);
  }
  t.is(new Set(names).size, names.length);
  const t1k = findCheckpoint('internimage_t_1k_224.pth')!;
  t.like(t1k, { repo: REPO, file: 'internimage_t_1k_224.pth', variant: 't', inputSize: 224, labelSet: 'imagenet-1k', task: 'classification' });
  t.like(findCheckpoint('internimage_xl_22k_192to384'), { inputSize: 384, labelSet: 'imagenet-22k', numClasses: 21841 });
  t.like(findCheckpoint('upernet_internimage_l_640_160k_ade20k'), { task: 'segmentation', inputSize: 640, labelSet: 'ade20k' });
});

test('weights specs: names, hf:// references, resolve URLs, other URLs and paths', (t) => {
  t.is(parseWeightsSpec('internimage_b_1k_224').kind, 'published');
  t.deepEqual(parseWeightsSpec('hf://someone/models@v2/dir/w.safetensors'), { kind: 'hub', repo: 'someone/models', revision: 'v2', file: 'dir/w.safetensors' });
  t.deepEqual(parseWeightsSpec('https://huggingface.co/OpenGVLab/InternImage/resolve/main/internimage_t_1k_224.pth'),
    { kind: 'hub', repo: REPO, revision: 'main', file: 'internimage_t_1k_224.pth' });
  t.deepEqual(parseWeightsSpec('https://example.org/w.pth'), { kind: 'url', url: 'https://example.org/w.pth' });
  t.deepEqual(parseWeightsSpec('./weights/model.pth'), { kind: 'path', path: './weights/model.pth' });
});

test('an unknown name lists the closest published names and all the known ones', async (t) => {
  const e = await t.throwsAsync(resolveWeights('internimage_t_1k_244'), { instanceOf: UnknownCheckpointError });
  t.deepEqual(e.suggestions[0], 'internimage_t_1k_224');
  t.regex(e.message, /did you mean 'internimage_t_1k_224'.*known names: .*internimage_g_22kto1k_512/);
});

test.serial('first download lands in the cache layout and loads; the second makes no request', async (t) => {
  const cacheDir = freshCache();
  const progress: number[] = [];
  const before = hub.requests.length;
  const first = await resolveWeights('internimage_t_1k_224', options(cacheDir, { onProgress: (done: number, total: number) => progress.push(done / total) }));
  t.is(first.source, 'download');
  const repoDir = join(cacheDir, 'models--OpenGVLab--InternImage');
  t.is(first.path, join(repoDir, 'snapshots', hub.commit, 'internimage_t_1k_224.pth'));
  t.true(lstatSync(first.path).isSymbolicLink());
  t.is(readlinkSync(first.path), join('..', '..', 'blobs', SHA));
  t.is(readFileSync(join(repoDir, 'refs', 'main'), 'utf8'), hub.commit);
  t.deepEqual(readdirSync(join(repoDir, 'blobs')), [SHA]);
  t.is(progress.at(-1), 1);
  t.deepEqual(hub.requests.slice(before).map((r) => r.split(' ')[0]), ['HEAD', 'GET']);

  const loaded = await loadModel('internimage_t_1k_224', { hub: options(cacheDir) });
  t.is(loaded.checkpoint?.name, 'internimage_t_1k_224');
  t.is(loaded.config.imgSize, 224);
  t.true(loaded.notes.some((n) => n.includes('found in the cache')));
  loaded.model.dispose();
  t.is(hub.requests.length, before + 2, 'the cached file is used without asking the server');
});

test.serial('offline: the cache answers, a missing file is an error that says how to get it', async (t) => {
  const cacheDir = freshCache();
  const e = await t.throwsAsync(resolveWeights('internimage_t_1k_224', options(cacheDir, { offline: true })), { instanceOf: DownloadError });
  t.regex(e.message, /not in the cache .*HF_HUB_OFFLINE.*internimage download internimage_t_1k_224/);
  await resolveWeights('internimage_t_1k_224', options(cacheDir));
  const before = hub.requests.length;
  t.is((await resolveWeights('internimage_t_1k_224', options(cacheDir, { offline: true }))).source, 'cache');
  t.is(hub.requests.length, before);
});

test.serial("a file put in the cache by Python's huggingface_hub is found without a request", async (t) => {
  const cacheDir = freshCache();
  const repoDir = join(cacheDir, 'models--OpenGVLab--InternImage');
  const commit = 'a'.repeat(40);
  mkdirSync(join(repoDir, 'blobs'), { recursive: true });
  mkdirSync(join(repoDir, 'snapshots', commit), { recursive: true });
  mkdirSync(join(repoDir, 'refs'));
  writeFileSync(join(repoDir, 'blobs', SHA), CHECKPOINT);
  symlinkSync(join('..', '..', 'blobs', SHA), join(repoDir, 'snapshots', commit, 'internimage_t_1k_224.pth'));
  writeFileSync(join(repoDir, 'refs', 'main'), commit);
  const before = hub.requests.length;
  const got = await resolveWeights('internimage_t_1k_224', options(cacheDir));
  t.deepEqual(got.source, 'cache');
  t.is(got.path, join(repoDir, 'snapshots', commit, 'internimage_t_1k_224.pth'));
  t.is(hub.requests.length, before);
});

test.serial('a connection cut mid-way: clear error, nothing in snapshots/, and the retry resumes with Range', async (t) => {
  const cacheDir = freshCache();
  hub.inject(REPO, 'small.bin', { cutAfter: 100_000 });
  const e = await t.throwsAsync(resolveWeights('hf://OpenGVLab/InternImage/small.bin', options(cacheDir)), { instanceOf: DownloadError });
  // The client may have kept fewer than the 100000 bytes sent (a stream drops unread chunks when it errors).
  const received = Number(/(?:interrupted|closed) after (\d+) of 300000 bytes/.exec(e.message)?.[1]);
  t.true(received > 0 && received <= 100_000, e.message);
  t.regex(e.message, /again to resume/);
  t.deepEqual(snapshotFiles(cacheDir), []);
  const retry = await resolveWeights('hf://OpenGVLab/InternImage/small.bin', options(cacheDir));
  t.deepEqual(readFileSync(retry.path), Buffer.alloc(300_000, 7));
  t.is(hub.requests.at(-1)!.split(' range=')[1], `bytes=${received}-`);
});

test.serial('a wrong hash: the bytes are discarded, nothing in snapshots/, and the retry succeeds', async (t) => {
  const cacheDir = freshCache();
  hub.inject(REPO, 'small.bin', { wrongHash: true });
  const e = await t.throwsAsync(resolveWeights('hf://OpenGVLab/InternImage/small.bin', options(cacheDir)), { instanceOf: IntegrityError });
  t.regex(e.message, /hash to [0-9a-f]{64}, the server announced [0-9a-f]{64}; the file was discarded/);
  t.deepEqual(snapshotFiles(cacheDir), []);
  t.deepEqual(readdirSync(join(cacheDir, 'models--OpenGVLab--InternImage', 'blobs')), []);
  t.is((await resolveWeights('hf://OpenGVLab/InternImage/small.bin', options(cacheDir))).source, 'download');
});

test.serial('a 404 says which file is missing; once the file exists the retry succeeds', async (t) => {
  const cacheDir = freshCache();
  const e = await t.throwsAsync(resolveWeights('hf://OpenGVLab/InternImage/later.bin', options(cacheDir)), { instanceOf: DownloadError });
  t.regex(e.message, /later\.bin: HTTP 404 \(the file does not exist in the repository/);
  const repo = await t.throwsAsync(resolveWeights('hf://nobody/nothing/x.pth', options(cacheDir)));
  t.regex(repo.message, /private or gated: set HF_TOKEN/);
  t.deepEqual(snapshotFiles(cacheDir), []);
  hub.host(REPO, 'later.bin', Buffer.from('now it exists'));
  t.is(readFileSync((await resolveWeights('hf://OpenGVLab/InternImage/later.bin', options(cacheDir))).path, 'utf8'), 'now it exists');
});

test.serial('22k labels come from id2label in the config.json of the transformers repository, else indices with a note', async (t) => {
  const checkpoint = findCheckpoint('internimage_l_22k_192to384')!;
  const cacheDir = freshCache();
  const none = await hubLabels(checkpoint, options(cacheDir));
  t.is(none.labels.length, 21841);
  t.is(none.labels[5], '5');
  t.regex(none.note, /class indices .*OpenGVLab\/internimage_l_22k_384\/config\.json \(.*404/);
  const id2label = Object.fromEntries(Array.from({ length: 21841 }, (_, i) => [String(i), `class ${i}`]));
  hub.host(checkpoint.labelsRepo!, 'config.json', Buffer.from(JSON.stringify({ num_classes: 21841, id2label })), { lfs: false });
  const named = await hubLabels(checkpoint, options(cacheDir));
  t.is(named.labels[21840], 'class 21840');
  t.regex(named.note, /from OpenGVLab\/internimage_l_22k_384\/config\.json \(id2label\)/);
});

test.serial('the token goes to the Hub, not to the storage host it redirects to', async (t) => {
  const before = hub.requests.length;
  await resolveWeights('hf://OpenGVLab/InternImage/small.bin', options(freshCache(), { token: 'hf_secret' }));
  const [head, get] = hub.requests.slice(before);
  t.regex(head!, /^HEAD \/OpenGVLab\/InternImage\/resolve\/main\/small\.bin auth=Bearer hf_secret$/);
  t.regex(get!, /^GET \/cdn\/[0-9a-f]{64}-\d+$/);
});

test.serial('a retry against a server that ignores Range starts over and still verifies', async (t) => {
  const cacheDir = freshCache();
  hub.inject(REPO, 'small.bin', { cutAfter: 50_000 }, { ignoreRange: true });
  const e = await t.throwsAsync(resolveWeights('hf://OpenGVLab/InternImage/small.bin', options(cacheDir)), { instanceOf: DownloadError });
  const received = Number(/after (\d+) of/.exec(e.message)?.[1]);
  t.true(received > 0, e.message);
  const progress: number[] = [];
  const retry = await resolveWeights('hf://OpenGVLab/InternImage/small.bin', options(cacheDir, { onProgress: (done: number) => progress.push(done) }));
  t.is(hub.requests.at(-1)!.split(' range=')[1], `bytes=${received}-`);
  t.is(progress[0], 0, 'the whole file was received again');
  t.deepEqual(readFileSync(retry.path), Buffer.alloc(300_000, 7));
});

test.serial('a plain URL is downloaded once, verified, into INTERNIMAGE_CACHE', async (t) => {
  const root = freshCache();
  process.env.INTERNIMAGE_CACHE = root;
  try {
    const url = `${hub.storage}/plain/OpenGVLab/InternImage/small.bin`;
    const first = await resolveWeights(url, options(freshCache()));
    t.is(first.source, 'download');
    t.true(first.path.startsWith(join(root, 'urls')));
    t.deepEqual(readFileSync(first.path), Buffer.alloc(300_000, 7));
    const before = hub.requests.length;
    t.is((await resolveWeights(url, options(freshCache()))).source, 'cache');
    t.is(hub.requests.length, before);
  } finally {
    delete process.env.INTERNIMAGE_CACHE;
  }
});

test.serial('two downloads of the same file at once: one fetches, the other waits for it', async (t) => {
  const cacheDir = freshCache();
  const before = hub.requests.length;
  const [a, b] = await Promise.all([1, 2].map(() => resolveWeights('hf://OpenGVLab/InternImage/small.bin', options(cacheDir))));
  t.is(a!.path, b!.path);
  t.deepEqual(readFileSync(a!.path), Buffer.alloc(300_000, 7));
  t.is(hub.requests.slice(before).filter((r) => r.startsWith('GET /cdn/')).length, 1);
  t.deepEqual(readdirSync(join(cacheDir, 'models--OpenGVLab--InternImage', 'blobs')).length, 1, 'no lock or partial file left');
});

test.serial('a lock left by a process that is no longer running is taken over', async (t) => {
  const cacheDir = freshCache();
  const blobs = join(cacheDir, 'models--OpenGVLab--InternImage', 'blobs');
  mkdirSync(blobs, { recursive: true });
  const sha = createHash('sha256').update(Buffer.alloc(300_000, 7)).digest('hex');
  writeFileSync(join(blobs, `${sha}.incomplete.lock`), '2147483646');
  t.is((await resolveWeights('hf://OpenGVLab/InternImage/small.bin', options(cacheDir))).source, 'download');
  t.deepEqual(readdirSync(blobs), [sha]);
});
