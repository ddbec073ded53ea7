// InternImage-T@224 batch 1 in headless Chromium: our wasm backend (1 and 2 threads) beside onnxruntime-web's wasm
// provider with the same thread count, then every gpu.js mode that opens. Each engine runs in a page of its own, which
// counts its memory (WebAssembly memories and the JS heap's peak); the two pages of a thread count run their passes
// alternately, so both see the same machine load. Prints a table and writes bench/results/web-<date>.json.
// Run: npm run bench:web [-- --pairs 8 --threads 1,2 --modes gpujs-webgpu,gpujs-webgl2,gpujs-webgl,gpujs-cpu --mode-budget 60]
// (--mode-budget: seconds of passes per gpu.js mode after its first pass.)
// Needs /usr/bin/chromium and bench/lib/peers/internimage_t_224.onnx (/usr/bin/python3 bench/lib/peers/export_internimage_onnx.py).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { chromiumMissing, launchBrowser, serveStatic } from 'internimage/browser-runner';
import { writeResults } from './lib/harness.js';
import type { BenchApi, BenchSetup, SetupInfo } from './web/protocol.js';
import { READY_TITLE } from './web/protocol.js';

const { values: args } = parseArgs({
  options: {
    pairs: { type: 'string', default: '8' },
    threads: { type: 'string', default: '1,2' },
    modes: { type: 'string', default: 'gpujs-webgpu,gpujs-webgl2,gpujs-webgl,gpujs-cpu' },
    'mode-budget': { type: 'string', default: '60' },
  },
});
const pairs = Number(args.pairs);
const threadCounts = args.threads ? args.threads.split(',').map(Number) : [];
const modes = args.modes ? args.modes.split(',') : [];
const modeBudgetMs = Number(args['mode-budget']) * 1e3;
const SIZE = 224;

const onnxFile = fileURLToPath(new URL('./lib/peers/internimage_t_224.onnx', import.meta.url));
const missing = chromiumMissing();
if (missing) throw new Error(`bench:web: ${missing}`);
if (!existsSync(onnxFile)) throw new Error(`bench:web needs ${onnxFile}: /usr/bin/python3 bench/lib/peers/export_internimage_onnx.py`);

const pageConfig = fileURLToPath(new URL('./web/vite.config.ts', import.meta.url));
const pageDir = fileURLToPath(new URL('./web/dist/', import.meta.url));
await build({ configFile: pageConfig, logLevel: 'warn', build: { outDir: pageDir } });
// The page, the ONNX export and onnxruntime-web's .wasm files (not part of the build: loaded by URL).
const server = await serveStatic({
  '/': pageDir,
  '/peers/': fileURLToPath(new URL('./lib/peers/', import.meta.url)),
  '/ort/': fileURLToPath(new URL('../node_modules/onnxruntime-web/dist/', import.meta.url)),
});
const browser = await launchBrowser();
const browserVersion = browser.version();

/** Calls the page's `globalThis.bench[method](arg)`. */
async function call<K extends keyof BenchApi>(page: Page, method: K, arg?: Parameters<BenchApi[K]>[0]): Promise<Awaited<ReturnType<BenchApi[K]>>> {
  return page.evaluate(([m, a]) => (globalThis as unknown as { bench: Record<string, (x: unknown) => unknown> }).bench[m]!(a), [method, arg] as const) as Promise<Awaited<ReturnType<BenchApi[K]>>>;
}

interface EnginePage {
  page: Page;
  info: SetupInfo;
}

/** A fresh context (own renderer process) with the page set up for one engine. */
async function openEngine(b: Browser, setup: BenchSetup): Promise<EnginePage> {
  const context = await b.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`  page error: ${e.message}`));
  await page.goto(`${server.url}/`);
  await page.waitForFunction((title) => (globalThis as { document?: { title: string } }).document?.title === title, READY_TITLE);
  const info = await call(page, 'setup', setup);
  return { page, info };
}

const pass = (e: EnginePage) => call(e.page, 'pass');

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);

async function memoryOf(e: EnginePage) {
  const { wasmBytes, jsHeapPeakBytes } = await call(e.page, 'memory');
  return { memory_mb: mib(wasmBytes + jsHeapPeakBytes), wasm_memory_mb: mib(wasmBytes), js_heap_peak_mb: mib(jsHeapPeakBytes) };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: Array<Record<string, unknown>> = [];
const base = { variant: 't', size: SIZE, batch: 1, browser: `Chromium ${browserVersion} headless` };

try {
  for (const threads of threadCounts) {
    console.log(`\n${threads} thread${threads > 1 ? 's' : ''}: wasm and onnxruntime-web, ${pairs} alternating pairs`);
    const ours = await openEngine(browser, { engine: 'internimage', backend: 'wasm', threads, size: SIZE });
    const peer = await openEngine(browser, {
      engine: 'onnxruntime', threads, size: SIZE, onnxUrl: `${server.url}/peers/internimage_t_224.onnx`, ortWasmUrl: `${server.url}/ort/`,
    });
    await pass(ours);
    await pass(peer);
    const times = { ours: [] as number[], peer: [] as number[] };
    for (let i = 0; i < pairs; i++) {
      times.ours.push(await pass(ours));
      times.peer.push(await pass(peer));
      process.stdout.write('.');
    }
    const ratios = times.ours.map((t, i) => t / times.peer[i]!);
    for (const [engine, e, ts] of [['wasm', ours, times.ours], ['onnxruntime-web', peer, times.peer]] as const) {
      rows.push({
        ...base, engine, runs: e.info.runs, threads, cross_origin_isolated: e.info.crossOriginIsolated,
        median_ms: Math.round(median(ts)), min_ms: Math.round(Math.min(...ts)), samples: ts.length, setup_ms: Math.round(e.info.setupMs),
        ratio_to_onnxruntime: engine === 'wasm' ? Number(median(ratios).toFixed(2)) : 1,
        ...(await memoryOf(e)),
      });
      await e.page.context().close();
    }
  }

  const ortOneThread = rows.find((r) => r.engine === 'onnxruntime-web' && r.threads === 1)?.median_ms as number | undefined;
  for (const mode of modes) {
    console.log(`\n${mode}`);
    let e: EnginePage;
    try {
      e = await openEngine(browser, { engine: 'internimage', backend: mode, threads: 1, size: SIZE });
    } catch (err) {
      const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
      console.log(`  does not open here: ${reason}`);
      rows.push({ ...base, engine: mode, unavailable: reason });
      continue;
    }
    // The first pass compiles the kernels: it is timed apart. Then passes while the budget lasts (none when the first
    // pass alone took longer).
    const first = await pass(e);
    const times: number[] = [];
    const start = Date.now();
    while (times.length < 5 && first < modeBudgetMs && Date.now() - start + (times.at(-1) ?? first) < modeBudgetMs) times.push(await pass(e));
    rows.push({
      ...base, engine: mode, runs: e.info.runs, threads: 1,
      median_ms: times.length ? Math.round(median(times)) : null, min_ms: times.length ? Math.round(Math.min(...times)) : null,
      first_pass_ms: Math.round(first), samples: times.length, setup_ms: Math.round(e.info.setupMs),
      ratio_to_onnxruntime: ortOneThread && times.length ? Number((median(times) / ortOneThread).toFixed(2)) : null,
      ...(await memoryOf(e)),
    });
    await e.page.context().close();
  }
} finally {
  await browser.close();
  await server.close();
}

console.log(`\n\n${base.browser}, InternImage-T@${SIZE} batch 1; ratios are medians of alternating pairs (wasm) or against`);
console.log('onnxruntime-web on one thread (gpu.js modes); memory is the WebAssembly memories plus the JS heap peak.\n');
console.log('| engine | threads | median ms | min ms | passes | × onnxruntime-web | first pass ms | memory MB (wasm + JS heap) |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  if (r.unavailable) console.log(`| ${r.engine} | – | does not open: ${r.unavailable} | | | | | |`);
  else if (r.samples === 0) console.log(`| ${r.runs} | ${r.threads} | – | – | 0 | – | ${r.first_pass_ms} | ${r.memory_mb} (${r.wasm_memory_mb} + ${r.js_heap_peak_mb}) |`);
  else console.log(`| ${r.runs} | ${r.threads} | ${r.median_ms} | ${r.min_ms} | ${r.samples} | ${r.ratio_to_onnxruntime ?? '–'} | ${r.first_pass_ms ?? '–'} | ${r.memory_mb} (${r.wasm_memory_mb} + ${r.js_heap_peak_mb}) |`);
}
writeResults('web', rows);
