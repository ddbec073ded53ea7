// Helpers that write gpu.js kernel source text. Kernels are generated per (shapes, attrs) as plain `function` source
// strings with every size baked in as a literal, so loop bounds are constants and nothing is captured from TypeScript.
//
// Index math inside a gpu.js kernel runs in float32 (declared variables decay to f32 on every backend), which holds
// integers exactly below 2^24. Division of two f32 values is not exact on GPUs (WGSL allows 2.5 ULP), so a quotient
// is estimated with a multiply by the reciprocal and then corrected by its remainder: exact for all indices < 2^24.

/** Largest element count a kernel may index (exact f32 integers). Larger tensors are split (see split.ts). */
export const MAX_INDEXABLE = 2 ** 24;

/** A numeric literal for kernel source. */
export function lit(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`gpujs codegen: cannot write ${x} as a kernel literal`);
  const s = String(x);
  return x < 0 ? `(${s})` : s;
}

/** Declares `q = floor(x / d)` and `r = x - q·d` for a non-negative integer expression `x` and integer `d` > 0. */
export function divmod(x: string, d: number, q: string, r: string): string {
  if (d === 1) return `var ${q} = ${x};\nvar ${r} = ${x} - ${q};\n`;
  return (
    `var ${q} = Math.floor((${x} + 0.5) * ${lit(1 / d)});\n` +
    `var ${r} = ${x} - ${q} * ${d};\n` +
    `if (${r} < 0) { ${q} = ${q} - 1; ${r} = ${r} + ${d}; }\n` +
    `if (${r} >= ${d}) { ${q} = ${q} + 1; ${r} = ${r} - ${d}; }\n`
  );
}

/**
 * Declares the row-major coordinates `names[k]` of flat index `index` in `shape`. Variable names get `tag` so that
 * several decompositions can share one kernel.
 */
export function decompose(index: string, shape: readonly number[], names: readonly string[], tag: string): string {
  let code = '';
  let rest = index;
  for (let d = shape.length - 1; d > 0; d--) {
    const q = `${tag}q${d}`;
    code += divmod(rest, shape[d]!, q, names[d]!);
    rest = q;
  }
  if (shape.length > 0) code += `var ${names[0]} = ${rest};\n`;
  return code;
}

/** Σ coords[k]·strides[k] as source, skipping zero strides; '0' when every stride is zero. */
export function offsetExpr(coords: readonly string[], strides: readonly number[], base = 0): string {
  const terms = coords.flatMap((c, k) => (strides[k] === 0 ? [] : [strides[k] === 1 ? c : `${c} * ${strides[k]}`]));
  if (base !== 0) terms.unshift(String(base));
  return terms.length === 0 ? '0' : terms.join(' + ');
}

/** Names `${prefix}0 .. ${prefix}{rank-1}`. */
export function names(prefix: string, rank: number): string[] {
  return Array.from({ length: rank }, (_, k) => `${prefix}${k}`);
}

/** A kernel function source: `function(args) { var i = this.thread.x; <body> }`. */
export function kernelSource(args: readonly string[], body: string): string {
  return `function(${args.join(', ')}) {\nvar i = this.thread.x;\n${body}}`;
}
