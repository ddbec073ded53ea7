// The `internimage` command as a user runs it (the compiled CLI behind the package's bin).
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { bytesSource, ZipReader } from '@internimage/core';
import { MNIST_MODEL } from 'internimage';
import { fixturePath } from '../harness/fixtures.js';

const BIN = fileURLToPath(new URL('../../packages/internimage/bin/internimage.js', import.meta.url));
const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
};

test('check-fixtures --json passes every bundled case and exits 0', async (t) => {
  const { code, stdout } = await run('check-fixtures', fixturePath('internimage'), '--json');
  const report = JSON.parse(stdout) as { cases: Array<{ file: string; kind: string; outputs: Record<string, number>; pass: boolean }>; passed: number; failed: number };
  t.is(code, 0);
  t.is(report.failed, 0);
  t.is(report.passed, report.cases.length);
  const model = report.cases.find((c) => c.file === 'model_tiny_h.safetensors')!;
  t.deepEqual(Object.keys(model.outputs), ['logits', 'features.0', 'features.1', 'features.2', 'features.3']);
  t.true(model.outputs.logits! < 1e-4);
});

test('check-fixtures reports unknown kinds and missing files as failed, and exits 1', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fixtures-'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({
    cases: [{ kind: 'dcnv4_core', file: 'x.safetensors' }, { kind: 'dcnv3_core', file: 'missing.safetensors' }],
  }));
  const json = await run('check-fixtures', dir, '--json');
  t.is(json.code, 1);
  t.deepEqual(JSON.parse(json.stdout), {
    cases: [
      { file: 'x.safetensors', kind: 'dcnv4_core', outputs: {}, pass: false },
      { file: 'missing.safetensors', kind: 'dcnv3_core', outputs: {}, pass: false },
    ],
    passed: 0,
    failed: 2,
  });
  const text = await run('check-fixtures', dir);
  t.regex(text.stdout, /unknown case kind 'dcnv4_core'/);
  t.regex(text.stdout, /file not found: .*missing\.safetensors/);
  t.regex(text.stdout, /0 passed, 2 failed \(backend wasm\)/);
});

test('usage errors exit 2 with a message', async (t) => {
  const noDir = await run('check-fixtures');
  t.is(noDir.code, 2);
  t.regex(noDir.stderr, /expected exactly one fixture directory, got 0/);
  const badBackend = await run('check-fixtures', fixturePath('internimage'), '--backend', 'quantum');
  t.is(badBackend.code, 2);
  t.regex(badBackend.stderr, /unknown backend 'quantum' \(known: wasm, cpu, gpujs, gpujs-webgpu, gpujs-headlessgl, gpujs-webasm, gpujs-cpu[,)]/);
  const unknown = await run('frobnicate');
  t.is(unknown.code, 2);
  t.regex(unknown.stderr, /unknown command 'frobnicate'/);
  const badFlag = await run('check-fixtures', '.', '--fast');
  t.is(badFlag.code, 2);
  t.regex(badFlag.stderr, /Unknown option '--fast'/);
});

test('inspect lists canonical tensors, the inferred config and the parameter count', async (t) => {
  const { code, stdout } = await run('inspect', MNIST_MODEL, '--json');
  t.is(code, 0);
  const report = JSON.parse(stdout) as { format: string; stateDictKey: string; tensors: Array<{ name: string; shape: number[]; dtype: string }>; parameters: number; variant: string | null; config: { channels: number }; notes: string[] };
  t.is(report.format, 'pth');
  t.is(report.stateDictKey, 'model');
  t.is(report.tensors.length, 133);
  t.deepEqual(report.tensors[0], { name: 'patch_embed.conv1.weight', shape: [8, 3, 3, 3], dtype: 'float32' });
  t.is(report.variant, null);
  t.is(report.config.channels, 16);
  t.true(report.notes.some((n) => n.includes('matches no published variant')));
  const text = await run('inspect', fixturePath('internimage/model_tiny_t.pth'));
  t.regex(text.stdout, /levels\.3\.blocks\.0\.dcn\.offset\.weight\s+\[144, 128\]\s+float32/);
  t.regex(text.stdout, /parameters: [\d,]+ \(BatchNorm buffers excluded\)/);
  t.regex(text.stdout, /^integrity: \d+ entries verified$/m);
});

test('inspect reads every storage: a corrupted one (never read for the report) fails naming the entry, exit 2', async (t) => {
  const bytes = new Uint8Array(readFileSync(fixturePath('internimage/model_tiny_t.pth')));
  const zip = new ZipReader(bytesSource(bytes));
  const last = zip.entries.filter((e) => e.name.includes('/data/')).at(-1)!;
  const extraLen = bytes[last.localHeaderOffset + 28]! | (bytes[last.localHeaderOffset + 29]! << 8);
  bytes[last.localHeaderOffset + 30 + last.name.length + extraLen + 1]! ^= 0x04;
  const file = join(mkdtempSync(join(tmpdir(), 'inspect-')), 'corrupt.pth');
  writeFileSync(file, bytes);
  const { code, stdout, stderr } = await run('inspect', file);
  t.is(code, 2);
  t.is(stdout, '');
  t.regex(stderr, new RegExp(`entry '${last.name}': CRC-32 0x[0-9a-f]{8} does not match the recorded 0x[0-9a-f]{8}`));
  const safetensors = await run('inspect', fixturePath('internimage/model_tiny_t_weights.safetensors'), '--json');
  t.is(JSON.parse(safetensors.stdout).verifiedEntries, null);
});

test('convert writes bit-identical tensors and records the config for loading', async (t) => {
  const out = join(mkdtempSync(join(tmpdir(), 'convert-')), 'mnist.safetensors');
  const { code, stdout } = await run('convert', MNIST_MODEL, out);
  t.is(code, 0, stdout);
  t.regex(stdout, /wrote .*mnist\.safetensors: 133 tensors/);
  const { openWeightsFile, loadModel } = await import('internimage');
  const a = await openWeightsFile(MNIST_MODEL);
  const b = await openWeightsFile(out);
  t.deepEqual(b.names(), a.names());
  for (const n of a.names()) t.deepEqual(b.rawBytes(n), a.rawBytes(n));
  a.close();
  t.is(JSON.parse(b.metadata.internimage_config!).channels, 16);
  const ii = await import('@internimage/core');
  await import('@internimage/backend-cpu');
  await ii.setBackend('cpu');
  const loaded = await loadModel(out);
  t.true(loaded.notes.includes("config read from the file's metadata (internimage_config)"));
  loaded.model.dispose();
  const wrong = await run('convert', MNIST_MODEL, `${out}.t`, '--variant', 't');
  t.is(wrong.code, 2);
  t.regex(wrong.stderr, /weights do not match the model config\nmissing keys \(\d+\)/);
  const evil = await run('inspect', fixturePath('pth/evil_os_system.pth'));
  t.is(evil.code, 2);
  t.regex(evil.stderr, /global 'os\.system' is not allowed/);
});

test('bench --json times a random model and reports the documented fields', async (t) => {
  const { code, stdout, stderr } = await run('bench', '--variant', 't', '--size', '64', '--runs', '1', '--json');
  t.is(code, 0, stderr);
  const r = JSON.parse(stdout) as Record<string, unknown>;
  t.deepEqual(Object.keys(r), ['variant', 'size', 'batch', 'backend', 'threads', 'median_ms', 'min_ms', 'runs', 'peak_rss_mb']);
  t.deepEqual([r.variant, r.size, r.batch, r.backend, r.threads, r.runs], ['t', 64, 1, 'wasm', 1, 1]);
  t.true((r.median_ms as number) > 0);
  const threads = await run('bench', '--backend', 'cpu', '--threads', '2');
  t.is(threads.code, 2);
  t.regex(threads.stderr, /only the wasm backend runs on several threads/);
  const two = await run('bench', '--size', '64', '--runs', '1', '--threads', '2', '--json');
  t.is(two.code, 0, two.stderr);
  t.is(JSON.parse(two.stdout).threads, 2);
});
