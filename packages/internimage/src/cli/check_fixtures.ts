import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CaseResult } from '../fixtures/run_case.js';
import { runFixtureCases } from '../fixtures/run_cases.js';
import { DEFAULT_BACKEND } from '../backends.js';
import { UsageError } from './usage_error.js';

export const CHECK_FIXTURES_USAGE = `internimage check-fixtures <dir> [--backend <name>] [--threads <n>] [--browser] [--images <dir>] [--tolerance <x>] [--json]

Runs every case of <dir>/manifest.json (kinds dcnv3_core, dcnv3_module, model, preprocess) on the chosen backend
and prints the relative L2 error of every output. Exits 0 only when every case passes.
  --backend <name>   backend to run on (default wasm; cpu is the reference)
                     gpujs picks a gpu.js mode (webgpu, headlessgl, webasm, cpu, the first that runs);
                     gpujs-webgpu, gpujs-headlessgl, gpujs-webasm, gpujs-cpu run exactly that mode or fail
  --threads <n>      threads of the wasm backend (a page runs them as Web Workers when cross-origin isolated)
  --browser          run the cases in a page of headless Chromium (needs playwright-core and esbuild; gpu.js modes
                     there: gpujs-webgpu, gpujs-webgl2, gpujs-webgl, gpujs-cpu)
  --images <dir>     where preprocess cases find their images (default <dir>/../../images)
  --tolerance <x>    accept relative L2 errors up to x for every kind (default: 1e-5 operator and module, 1e-4 model)
  --json             print one JSON object {"cases": [{file, kind, outputs, pass}], "passed", "failed"}`;

const fmtErr = (e: number) => (Number.isNaN(e) ? 'NaN' : e.toExponential(2));

export async function checkFixtures(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      backend: { type: 'string', default: DEFAULT_BACKEND },
      threads: { type: 'string' },
      browser: { type: 'boolean', default: false },
      images: { type: 'string' },
      tolerance: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`expected exactly one fixture directory, got ${positionals.length}`);
  const dir = resolve(positionals[0]!);
  const tolerance = values.tolerance === undefined ? undefined : Number(values.tolerance);
  if (tolerance !== undefined && !(tolerance >= 0)) throw new UsageError(`--tolerance must be a non-negative number, got '${values.tolerance}'`);
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new UsageError(`--threads must be a positive integer, got '${values.threads}'`);
  const print = (r: CaseResult) => {
    if (values.json) return;
    const errs = Object.entries(r.outputs).map(([k, e]) => `${k} ${fmtErr(e)}`).join('  ');
    console.log(`${r.pass ? 'pass' : 'FAIL'}  ${r.kind.padEnd(12)} ${r.file.padEnd(42)} ${errs}`);
    for (const n of r.notes) console.log(`      ${n}`);
  };
  const options = { dir, backend: values.backend!, threads, tolerance, imagesDir: values.images, onCase: print };
  const report = values.browser
    ? await (await import('../browser_runner/check_fixtures.js')).runFixtureCasesInBrowser(options)
    : await runFixtureCases(options);
  const results = report.results;
  if (report.threads?.reason && !values.json) console.log(`note: ${report.threads.threads} thread(s) instead of ${report.threads.requested}: ${report.threads.reason}`);
  const passed = results.filter((r) => r.pass).length;
  const failed = results.length - passed;
  if (values.json) {
    const cases = results.map(({ file, kind, outputs, pass }) => ({ file, kind, outputs, pass }));
    console.log(JSON.stringify({ cases, passed, failed }));
  } else {
    console.log(`${passed} passed, ${failed} failed (backend ${report.backend})`);
  }
  return failed === 0 ? 0 : 1;
}
