// `internimage check-fixtures --browser` prints what the command prints in Node and exits the same way; a backend
// registered by a module the user imports is accepted by the CLI.
import test from 'ava';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readManifest } from 'internimage';
import { chromiumMissing } from '../harness/browser.js';
import { fixturePath } from '../harness/fixtures.js';

const BIN = fileURLToPath(new URL('../../packages/internimage/bin/internimage.js', import.meta.url));
const run = async (nodeArgs: string[], ...args: string[]) => {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [...nodeArgs, BIN, ...args]);
    return { code: 0, stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
};

/** A fixture folder with a few small cases of the bundled manifest (and optionally a broken one). */
function fixtureDir(files: string[], extra: object[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'fixtures-'));
  const cases = readManifest(fixturePath('internimage')).filter((c) => files.includes(c.file));
  for (const c of cases) copyFileSync(fixturePath(`internimage/${c.file}`), join(dir, c.file));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ cases: [...cases, ...extra] }));
  return dir;
}

const missing = chromiumMissing();
const browserTest = missing ? test.skip : test;
if (missing) console.log(`check-fixtures --browser tests skipped: ${missing}`);

browserTest('check-fixtures --browser --threads 2 prints exactly what it prints in Node', async (t) => {
  const dir = fixtureDir(['dcnv3_core_basic.safetensors', 'dcnv3_module_basic.safetensors']);
  const node = await run([], 'check-fixtures', dir, '--threads', '2');
  const page = await run([], 'check-fixtures', dir, '--threads', '2', '--browser');
  t.is(node.code, 0);
  t.is(page.code, 0);
  t.is(page.stdout, node.stdout);
  t.regex(page.stdout, /2 passed, 0 failed \(backend wasm\)/);
});

browserTest('check-fixtures --browser --json reports failing cases as in Node, and exits 1', async (t) => {
  const dir = fixtureDir(['dcnv3_core_basic.safetensors'], [{ kind: 'dcnv3_core', file: 'missing.safetensors' }]);
  const node = await run([], 'check-fixtures', dir, '--json');
  const page = await run([], 'check-fixtures', dir, '--json', '--browser');
  t.is(node.code, 1);
  t.is(page.code, 1);
  t.deepEqual(JSON.parse(page.stdout), JSON.parse(node.stdout));
});

test('a backend registered by an imported module is accepted by --backend', async (t) => {
  const dir = fixtureDir(['dcnv3_core_basic.safetensors']);
  const module = fileURLToPath(new URL('../harness/third_party_backend.mjs', import.meta.url));
  const r = await run([`--import=${module}`], 'check-fixtures', dir, '--backend', 'third-party');
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /1 passed, 0 failed \(backend third-party\)/);
});
