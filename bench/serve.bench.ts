// `internimage serve` under load (autocannon): images/s and p50/p99 latency at 1, 8 and 64 concurrent clients, for
// the MNIST model and InternImage-T@224 (random weights: the time is the same) on wasm. The server runs as its own
// process; its /metrics say how long its forward passes took, so the server's overhead is measured against exactly
// the batched forward passes it ran: overhead = 1 − (HTTP images/s) / (images / time in forward passes).
// Run: npm run build && npx tsx --conditions=source bench/serve.bench.ts [-- --models mnist,t224 --clients 1,8,64
//      --duration 20 --t-requests 1]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { MNIST_MODEL, SAMPLE_PHOTO, mnistDigits } from 'internimage';
import { writeResults } from './lib/harness.js';

const { values: args } = parseArgs({
  options: {
    models: { type: 'string', default: 'mnist,t224' },
    clients: { type: 'string', default: '1,8,64' },
    duration: { type: 'string', default: '20' },
    't-requests': { type: 'string', default: '1' },
    'max-batch': { type: 'string', default: '16' },
  },
});
const BIN = fileURLToPath(new URL('../packages/internimage/bin/internimage.js', import.meta.url));

// MNIST runs for a duration; T@224 (about a second per image on one wasm thread) for a number of requests per
// client, so that every request it sends completes inside the measurement.
const MODELS: Record<string, { flags: string[]; image: string; duration?: number; perClient?: number }> = {
  mnist: { flags: ['--weights', MNIST_MODEL], image: mnistDigits()[0]!, duration: Number(args.duration) },
  t224: { flags: ['--variant', 't', '--size', '224'], image: SAMPLE_PHOTO, perClient: Number(args['t-requests']) },
};

async function startServer(flags: string[]): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [BIN, 'serve', ...flags, '--port', '0', '--max-batch', args['max-batch']!, '--max-queue', '1024'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
  return { url, stop: async () => { child.kill('SIGTERM'); await new Promise((r) => child.on('exit', r)); } };
}

/**
 * `clients` loops, each sending `perClient` requests one after another (for T@224, where a measurement must end with
 * every request answered: autocannon's count mode reached this server's slow passes one request at a time here,
 * batches of 1–2, where 64 simultaneous clients give full batches).
 */
async function closedLoop(url: string, body: Uint8Array, clients: number, perClient: number) {
  const latencies: number[] = [];
  let errors = 0;
  await Promise.all(Array.from({ length: clients }, async () => {
    for (let i = 0; i < perClient; i++) {
      const start = performance.now();
      const res = await fetch(url, { method: 'POST', body: body as Uint8Array<ArrayBuffer>, headers: { 'content-type': 'image/png' } });
      await res.arrayBuffer();
      if (res.ok) latencies.push(performance.now() - start);
      else errors++;
    }
  }));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN);
  return { total: latencies.length, p50: at(0.5), p99: at(0.99), errors };
}

async function forwardTotals(url: string): Promise<{ seconds: number; images: number; passes: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)![1]);
  return { seconds: value('internimage_inference_duration_seconds_sum'), images: value('internimage_batch_size_sum'), passes: value('internimage_batch_size_count') };
}

const rows: Array<Record<string, unknown>> = [];
for (const name of args.models!.split(',')) {
  const model = MODELS[name];
  if (!model) throw new Error(`--models: unknown model '${name}' (known: ${Object.keys(MODELS).join(', ')})`);
  const body = readFileSync(model.image);
  const server = await startServer(model.flags);
  try {
    const url = `${server.url}/v1/classify`;
    const measure = async (clients: number) => {
      if (!model.duration) return closedLoop(url, body, clients, Math.max(model.perClient!, Math.ceil(4 / clients)));
      const r = await autocannon({ url, method: 'POST', body, headers: { 'content-type': 'image/png' }, connections: clients, duration: model.duration });
      return { total: r.requests.total, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts + r.non2xx };
    };
    await closedLoop(url, body, model.duration ? 64 : 1, model.duration ? 8 : 2); // warm-up
    for (const clients of args.clients!.split(',').map(Number)) {
      const before = await forwardTotals(server.url);
      const start = performance.now();
      const r = await measure(clients);
      const seconds = (performance.now() - start) / 1000;
      const after = await forwardTotals(server.url);
      const images = after.images - before.images;
      const forwardRate = images / (after.seconds - before.seconds);
      const httpRate = r.total / seconds;
      const row = {
        model: name, clients, images_per_s: +httpRate.toFixed(2), p50_ms: r.p50, p99_ms: r.p99,
        mean_batch: +(images / (after.passes - before.passes)).toFixed(1), forward_only_images_per_s: +forwardRate.toFixed(2),
        overhead_pct: +(100 * (1 - httpRate / forwardRate)).toFixed(1), errors: r.errors,
      };
      rows.push(row);
      console.log(`${name.padEnd(6)} ${String(clients).padStart(3)} clients: ${row.images_per_s} images/s, p50 ${row.p50_ms} ms, p99 ${row.p99_ms} ms, ` +
        `mean batch ${row.mean_batch}; forward passes alone ${row.forward_only_images_per_s} images/s → server overhead ${row.overhead_pct}%` +
        `${row.errors ? `, ${row.errors} ERRORS` : ''}`);
    }
  } finally {
    await server.stop();
  }
}
writeResults('serve', rows);
