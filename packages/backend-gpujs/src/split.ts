// Tensors larger than one buffer may hold (or than float32 index math can address) are stored as parts along
// their leading axis, and kernels that are local in that axis run once per range of leading rows.

/** How a kernel runs over leading-axis parts: its source for `rows` leading rows, and which inputs follow that axis. */
export interface SplitPlan {
  source: (rows: number) => string;
  /** follows[j]: input j has the output's leading axis (true) or is read whole, e.g. a weight (false). */
  follows: readonly boolean[];
}

/** The argument names of a kernel source `function(a, b, ...)`. */
export function argumentNames(source: string): string[] {
  const m = /^function\s*\(([^)]*)\)/.exec(source);
  if (!m) throw new Error('gpujs: kernel source must start with function(...)');
  return m[1]!.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Rewrites every read `name[...]` as `name[offset + ...]`: the input is bound from a part that starts earlier. */
export function withOffset(source: string, name: string, offset: number): string {
  return offset === 0 ? source : source.replace(new RegExp(`\\b${name}\\[`, 'g'), `${name}[${offset} + `);
}
