// Per-op GPU time of one forward pass on the CUDA backend: every launch through CudaDevice is bracketed by CUDA
// events, and the elapsed times are summed by op name (the name the kernel passes, e.g. 'Linear', 'DCNv3').
// Event pairs serialise nothing on the GPU, but the extra records add host time, so use it for shares, not totals.
import type { CudaDevice } from '@internimage/backend-cuda';

const LAUNCHES = [
  'fill32', 'binary', 'unary', 'cast', 'copy', 'reduce', 'argMax', 'softmax', 'layerNorm', 'batchNorm', 'gemm',
  'conv2d', 'avgPool2d', 'dcnv3',
] as const;

export interface OpShare {
  op: string;
  launches: number;
  ms: number;
}

/** Runs `pass` once with every launch timed; returns op totals, largest first. */
export async function profileOps(device: CudaDevice, pass: () => Promise<void>): Promise<OpShare[]> {
  const a = device.addon;
  const marks: Array<{ op: string; start: number; end: number }> = [];
  const originals = new Map<string, unknown>();
  const target = device as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of LAUNCHES) {
    const fn = target[name]!;
    originals.set(name, fn);
    target[name] = (...args: unknown[]) => {
      const mark = { op: `${String(args[0])}${name === 'gemm' ? ` (gemm mode ${(args[1] as { mode: number }).mode})` : ''}`, start: a.eventCreate(), end: a.eventCreate() };
      a.eventRecord(mark.start);
      const r = fn.apply(device, args);
      a.eventRecord(mark.end);
      marks.push(mark);
      return r;
    };
  }
  try {
    await pass();
  } finally {
    for (const [name, fn] of originals) target[name] = fn as (...args: unknown[]) => unknown;
  }
  const totals = new Map<string, OpShare>();
  for (const m of marks) {
    const ms = a.eventElapsed(m.start, m.end);
    a.eventDestroy(m.start);
    a.eventDestroy(m.end);
    const t = totals.get(m.op) ?? { op: m.op, launches: 0, ms: 0 };
    t.launches++;
    t.ms += ms;
    totals.set(m.op, t);
  }
  return [...totals.values()].sort((x, y) => y.ms - x.ms);
}

export function printShares(title: string, shares: OpShare[]): void {
  const total = shares.reduce((s, x) => s + x.ms, 0);
  const launches = shares.reduce((s, x) => s + x.launches, 0);
  console.log(`\n${title}: ${launches} launches, ${total.toFixed(2)} ms of GPU time inside launches`);
  for (const s of shares.slice(0, 14)) {
    console.log(`  ${s.op.padEnd(28)} ${String(s.launches).padStart(5)} × ${(s.ms / s.launches * 1000).toFixed(1).padStart(8)} µs = ${s.ms.toFixed(2).padStart(8)} ms (${(s.ms / total * 100).toFixed(1)}%)`);
  }
}
