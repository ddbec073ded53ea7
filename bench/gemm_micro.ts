// GEMM micro-benchmark for the wasm backend (issue #8): the generated kernels alone (operands already in WASM memory)
// on InternImage-T's Linear shapes, the tile the backend uses ('cur') against other register tiles, interleaved within
// one run; prints median GFLOP/s per shape. (The kernel before issue #8, a 4×8 tile with lane-broadcast shuffles, is in
// git history: 41.8 ms against 34.1 ms for the current one, sum of medians over these shapes, dev VM 2026-11-27.)
// Run: node --import=tsx --conditions=source bench/gemm_micro.ts [--reps 15] [--ms 15] [--variants cur,6x8,...]
import v8 from 'node:v8';
import { parseArgs } from 'node:util';
import { gemmChunkRows, gemmModule, gemmTile, packedOffset } from '../packages/backend-wasm/src/gemm_kernel.js';
import type { GemmTile } from '../packages/backend-wasm/src/gemm_kernel.js';

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '11' }, ms: { type: 'string', default: '15' }, variants: { type: 'string' },
    shapes: { type: 'string' }, plain: { type: 'boolean', default: false },
  },
});
v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
const fma = !args.plain;

// The test project type-checks bench/ without the DOM library, which declares WebAssembly: the little used here.
interface WasmMemory { buffer: ArrayBufferLike; grow(pages: number): number }
const WA = (globalThis as unknown as { WebAssembly: {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: unknown };
} }).WebAssembly;

type Fn = (pa: number, pb: number, pc: number, m: number, n: number, k: number, pbias: number, chunk: number, act: number) => void;
interface Variant {
  name: string;
  tile: GemmTile;
  rows: number;
  width: number;
  exports: Record<string, Fn>;
  memory: WasmMemory;
}

function variant(name: string, bytes: Uint8Array<ArrayBuffer>, tile: GemmTile): Variant {
  const memory = new WA.Memory({ initial: 256, maximum: 65536, shared: true });
  const instance = new WA.Instance(new WA.Module(bytes), { env: { memory } });
  return { name, tile, rows: tile.rows, width: 4 * tile.vectors, exports: instance.exports as Record<string, Fn>, memory };
}

const newVariant = (t: GemmTile) => variant(`${t.rows}x${4 * t.vectors}/${t.depth}`, gemmModule(fma, t), t);
const ALL: Record<string, () => Variant> = {
  cur: () => ({ ...newVariant(gemmTile(fma)), name: 'cur' }),
};
// rows x width (/ depth of a K block: the backend's when omitted), e.g. 4x8 or 2x16/256.
const variantOf = (spec: string) => {
  const [, r, w, d] = /^(\d+)x(\d+)(?:\/(\d+))?$/.exec(spec) ?? [];
  if (!r) throw new Error(`--variants: expected cur or ROWSxWIDTH[/DEPTH], got ${spec}`);
  return newVariant({ rows: Number(r), vectors: Number(w) / 4, depth: d ? Number(d) : gemmTile(fma).depth });
};
const names = args.variants ? args.variants.split(',') : ['cur', '3x12', '4x8'];
const variants = names.map((n) => (ALL[n] ?? (() => variantOf(n)))());

// rows × (in, out): the MLPs and the DCNv3 projections of the four stages.
const STAGES: Array<[number, number]> = [[3136, 64], [784, 128], [196, 256], [49, 512]];
const EXTRA: Record<number, Array<[number, number]>> = { 64: [[64, 192]], 128: [[128, 384]], 256: [[256, 768]], 512: [[512, 1536]] };
let shapes: Array<[number, number, number]> = STAGES.flatMap(([m, c]) => [[c, 4 * c], [4 * c, c], ...EXTRA[c]!, [c, c]].map(([k, n]) => [m, k!, n!] as [number, number, number]));
if (args.shapes) shapes = args.shapes.split(',').map((s) => s.split('x').map(Number) as [number, number, number]);

const roundUp = (v: number, m: number) => Math.ceil(v / m) * m;
let seed = 1;
const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5;

/** Puts A, packed B, bias into the variant's memory; returns a closure that runs the GEMM as gemm() would dispatch it. */
function prepare(v: Variant, a: Float32Array, b: Float32Array, bias: Float32Array, m: number, k: number, n: number) {
  const np = roundUp(n, v.width);
  const pa = 0, pb = m * k * 4, pbias = pb + k * np * 4, pc = pbias + np * 4;
  const need = pc + m * np * 4;
  if (v.memory.buffer.byteLength < need) v.memory.grow(Math.ceil((need - v.memory.buffer.byteLength) / 65536));
  const heap = new Float32Array(v.memory.buffer);
  heap.fill(0, 0, need / 4);
  heap.set(a, 0);
  for (let j = 0; j < n; j++) for (let q = 0; q < k; q++) heap[pb / 4 + packedOffset(v.tile, q, j, k, np)] = b[q * n + j]!;
  heap.set(bias, pbias / 4);
  const mMain = m - (m % v.rows);
  const tail = m % v.rows ? v.exports[`gemm_tail${m % v.rows}`]! : undefined;
  const chunk = gemmChunkRows(v.tile, k, np);
  const run = () => {
    v.exports.gemm!(pa, pb, pc, mMain, np, k, pbias, chunk, 0);
    tail?.(pa + mMain * k * 4, pb, pc + mMain * np * 4, m - mMain, np, k, pbias, m - mMain, 0);
  };
  const result = () => {
    const c = new Float32Array(m * n);
    for (let i = 0; i < m; i++) c.set(new Float32Array(v.memory.buffer, pc + i * np * 4, n), i * n);
    return c;
  };
  return { run, result };
}

const reps = Number(args.reps);
const targetMs = Number(args.ms);
console.log(`kernels alone; ${fma ? 'relaxed SIMD (fused multiply-add)' : 'plain SIMD'}; median of ${reps} interleaved repetitions, GFLOP/s`);
console.log(['shape (MxKxN)'.padEnd(18), ...variants.map((v) => v.name.padStart(9)), '  max |Δ| vs first'].join(''));
const totals = variants.map(() => 0);
for (const [m, k, n] of shapes) {
  const a = Float32Array.from({ length: m * k }, rand);
  const b = Float32Array.from({ length: k * n }, rand);
  const bias = Float32Array.from({ length: n }, rand);
  const runs = variants.map((v) => prepare(v, a, b, bias, m, k, n));
  // Correctness against the first variant, and warm-up.
  for (const r of runs) r.run();
  const ref = runs[0]!.result();
  const diff = runs.map((r) => r.result().reduce((d, x, i) => Math.max(d, Math.abs(x - ref[i]!)), 0));
  const flop = 2 * m * n * k;
  // Calls per timing so that one takes about targetMs.
  const t0 = performance.now();
  runs[0]!.run();
  const calls = Math.max(1, Math.round(targetMs / Math.max(performance.now() - t0, 1e-3)));
  const samples = variants.map(() => [] as number[]);
  for (let rep = 0; rep < reps; rep++) {
    // Rotate the order so no variant always runs first.
    for (let o = 0; o < runs.length; o++) {
      const i = (o + rep) % runs.length;
      const start = performance.now();
      for (let c = 0; c < calls; c++) runs[i]!.run();
      samples[i]!.push((performance.now() - start) / calls);
    }
  }
  const medians = samples.map((s) => s.sort((x, y) => x - y)[s.length >> 1]!);
  medians.forEach((ms, i) => (totals[i]! += ms));
  console.log([`${m}x${k}x${n}`.padEnd(18), ...medians.map((ms) => (flop / ms / 1e6).toFixed(1).padStart(9)),
    '  ', diff.map((d) => d.toExponential(1)).join(' ')].join(''));
}
console.log(['sum of medians, ms'.padEnd(18), ...totals.map((t) => t.toFixed(2).padStart(9))].join(''));
