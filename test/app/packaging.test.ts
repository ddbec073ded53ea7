// Packaging: every browser-capable package bundles for a browser without Node's builtins, sharp, Dawn or headless-gl;
// entries that must not register backends do not; the backend table is the one list, and it says what to install.
import test from 'ava';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { BACKENDS, loadBackendPackage, useBackend } from 'internimage';

const ROOT = new URL('../..', import.meta.url).pathname;
const BROWSER_ENTRIES = [
  '@internimage/core', '@internimage/backend-cpu', '@internimage/backend-cpu/shared', '@internimage/backend-wasm',
  '@internimage/backend-gpujs', 'internimage',
];
/** What a browser bundle must never contain: Node's builtins and the native or Node-only packages. */
const NODE_ONLY = /(^|\/)node_modules\/(sharp|@img|webgpu|gl|pngjs|onnxruntime-node|node-gyp-build)\/|^node:|^(fs|zlib|path|os|module|worker_threads|v8|url|stream|util)$/;

for (const entry of BROWSER_ENTRIES) {
  test(`${entry} bundles for a browser with nothing Node-only in it`, async (t) => {
    const result = await build({
      stdin: { contents: `export * from '${entry}';`, resolveDir: ROOT, loader: 'js' },
      bundle: true, platform: 'browser', format: 'esm', conditions: ['source'], write: false, metafile: true, logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    t.deepEqual(inputs.filter((i) => NODE_ONLY.test(i)), []);
    t.true(inputs.length > 0);
  });
}

/** The backends registered after importing `specifier` in a fresh Node process. */
async function registeredAfterImport(specifier: string): Promise<string[]> {
  const script = `const m = await import('@internimage/core'); await import('${specifier}'); console.log(JSON.stringify(m.listBackends()));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--import=tsx', '--conditions=source', '--input-type=module', '-e', script], { cwd: ROOT });
  return JSON.parse(stdout) as string[];
}

test('importing the wasm backend registers wasm only; the shared typed-array entry registers nothing', async (t) => {
  t.deepEqual(await registeredAfterImport('@internimage/backend-wasm'), ['wasm']);
  t.deepEqual(await registeredAfterImport('@internimage/backend-cpu/shared'), []);
  t.deepEqual(await registeredAfterImport('@internimage/backend-cpu'), ['cpu']);
});

test('the backend table names each package, and internimage lists them as optional peers only', async (t) => {
  const pkg = (await import('../../packages/internimage/package.json', { with: { type: 'json' } })).default as {
    dependencies: Record<string, string>; peerDependencies: Record<string, string>; peerDependenciesMeta: Record<string, { optional: boolean }>;
  };
  const packages = [...new Set(BACKENDS.map((b) => b.package))].sort();
  t.deepEqual(Object.keys(pkg.peerDependencies).filter((p) => p.startsWith('@internimage/')).sort(), packages);
  for (const p of packages) {
    t.true(pkg.peerDependenciesMeta[p]?.optional, `${p} is an optional peer`);
    t.false(p in pkg.dependencies, `${p} is not a dependency`);
  }
  t.deepEqual(Object.keys(pkg.dependencies).filter((d) => d.startsWith('@internimage/')), ['@internimage/core']);
});

test('a backend package that is not installed is an error naming the package', async (t) => {
  const missing = { name: 'phantom', package: '@internimage/backend-phantom', platforms: ['node'] as const, load: () => import('@internimage/backend-phantom' as string) };
  await t.throwsAsync(loadBackendPackage(missing), {
    message: "backend 'phantom' needs the package @internimage/backend-phantom, which is not installed (npm install @internimage/backend-phantom)",
  });
});

test('a backend registered by another package is accepted by name; an unregistered name is refused', async (t) => {
  const { registerBackend, registerKernel, getBackend } = await import('@internimage/core');
  const { TypedArrayBackend, referenceKernels } = await import('@internimage/backend-cpu/shared');
  registerBackend('third-party', () => new TypedArrayBackend('third-party'));
  for (const k of referenceKernels) registerKernel({ ...k, backendName: 'third-party' });
  await useBackend('third-party');
  t.is(getBackend(), 'third-party');
  await t.throwsAsync(useBackend('quantum'), { message: /^unknown backend 'quantum' \(known: wasm, cpu, .*third-party; a backend of another package is known once that package is imported\)$/ });
});
