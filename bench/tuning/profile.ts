// Where a forward pass spends its time: a randomly initialised InternImage on one backend, profiled with core's
// profile() (device time per kernel on cuda, host time of each kernel call elsewhere). Prints the kernels by total.
// Run: npm run bench:profile [-- --backend wasm --variant t --size 224 --batch 1 --runs 5]
import { parseArgs } from 'node:util';
import * as ii from '@internimage/core';
import type { KernelProfile } from '@internimage/core';
import { InternImage, variantConfig } from 'internimage';
import { forEachBackend } from '../lib/harness.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    variant: { type: 'string', default: 't' },
    size: { type: 'string' },
    batch: { type: 'string', default: '1' },
    runs: { type: 'string', default: '5' },
  },
});
const config = variantConfig(args.variant);
const size = Number(args.size ?? config.imgSize);
const batch = Number(args.batch);
const runs = Number(args.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a positive integer, got ${args.runs}`);

await forEachBackend([args.backend], async (backend) => {
  const model = InternImage.random(config, { seed: 0 });
  const shape = [batch, 3, size, size];
  const input = ii.tensor(Float32Array.from({ length: ii.sizeOf(shape) }, (_, i) => Math.sin(i)), shape);
  const pass = async () => {
    const logits = model.classify(input);
    await logits.data();
    logits.dispose();
  };
  for (let i = 0; i < 2; i++) await pass(); // warm-up: kernels compiled, weights packed
  const totals = new Map<string, KernelProfile>();
  let wall = Infinity;
  let clock = 'host';
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    const profile = await ii.profile(pass);
    wall = Math.min(wall, performance.now() - start);
    clock = profile.clock;
    for (const k of profile.kernels) {
      const t = totals.get(k.kernel) ?? { kernel: k.kernel, calls: 0, ms: 0 };
      t.calls += k.calls;
      t.ms += k.ms;
      totals.set(k.kernel, t);
    }
  }
  const rows = [...totals.values()].sort((a, b) => b.ms - a.ms);
  const sum = rows.reduce((s, k) => s + k.ms, 0) / runs;
  console.log(`InternImage-${args.variant.toUpperCase()} @${size} batch ${batch} on ${backend}: fastest profiled pass ${wall.toFixed(1)} ms; ` +
    `${sum.toFixed(1)} ms in kernels (${clock} time), per pass over ${runs} passes`);
  for (const k of rows) {
    console.log(`  ${k.kernel.padEnd(22)} ${String(k.calls / runs).padStart(5)} calls ${(k.ms / runs).toFixed(2).padStart(9)} ms ${(k.ms / runs / sum * 100).toFixed(1).padStart(5)}%`);
  }
  input.dispose();
  model.dispose();
});
