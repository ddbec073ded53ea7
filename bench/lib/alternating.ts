// Wall and CPU time of several functions measured in alternating order, for benchmarks that compare peers in one run.

export interface Measured {
  /** Median wall-clock milliseconds. */
  wall: number;
  /** Median CPU milliseconds of this process, worker threads included. */
  cpu: number;
}

const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Median wall and CPU ms of each function, run in alternating order rep by rep after one warm-up each, so that load
 * on the machine affects all alike. On a busy machine the CPU time still says how fast the code is: it does not count
 * time the threads spent waiting for a core.
 */
export async function measureAlternating(
  fns: ReadonlyArray<() => void | Promise<void>>,
  reps: number,
): Promise<Measured[]> {
  for (const fn of fns) await fn();
  const wall = fns.map(() => [] as number[]);
  const cpu = fns.map(() => [] as number[]);
  for (let r = 0; r < reps; r++) {
    for (let o = 0; o < fns.length; o++) {
      const i = (o + r) % fns.length;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await fns[i]!();
      wall[i]!.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu[i]!.push((c.user + c.system) / 1e3);
    }
  }
  return fns.map((_, i) => ({ wall: median(wall[i]!), cpu: median(cpu[i]!) }));
}
