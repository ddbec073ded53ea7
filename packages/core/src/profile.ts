// Kernel timing for engine.profile(): each kernel the engine dispatches is timed by its backend's timer (device
// time, for backends that enqueue work) or else by the host clock around the call, and the times are summed by kernel.

/** Times one kernel dispatch: stop() right after the kernel returns; read() once its work is done, in milliseconds. */
export interface KernelTimer {
  stop(): void;
  read(): number | Promise<number>;
}

/** Time spent in one kernel (Unary, Binary and Reduce split by their op, e.g. 'Unary:gelu') during a profile. */
export interface KernelProfile {
  kernel: string;
  calls: number;
  ms: number;
}

export interface Profile<R> {
  result: R;
  /** Largest total first. */
  kernels: KernelProfile[];
  /** 'device' when the backend timed its kernels' work itself, 'host' for the time of the kernel calls. */
  clock: 'device' | 'host';
}

/** The host clock around a synchronous kernel call (for backends that enqueue work: the time to enqueue it). */
export function hostTimer(): KernelTimer {
  const start = performance.now();
  let ms = 0;
  return { stop: () => { ms = performance.now() - start; }, read: () => ms };
}

/** The name a dispatch is counted under: the kernel, and its op for the kernels that take one. */
export function profileKey(kernel: string, attrs: unknown): string {
  const op = (attrs as { op?: unknown } | null)?.op;
  return typeof op === 'string' ? `${kernel}:${op}` : kernel;
}

/** Sums the timed dispatches by key, largest total first. */
export async function summarise(records: ReadonlyArray<{ key: string; timer: KernelTimer }>): Promise<KernelProfile[]> {
  const totals = new Map<string, KernelProfile>();
  for (const { key, timer } of records) {
    const ms = await timer.read();
    const t = totals.get(key) ?? { kernel: key, calls: 0, ms: 0 };
    t.calls++;
    t.ms += ms;
    totals.set(key, t);
  }
  return [...totals.values()].sort((a, b) => b.ms - a.ms);
}
