// Just enough of the WebAssembly binary format to emit small SIMD kernels from TypeScript (no toolchain needed).

export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const section = (id: number, body: number[]) => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]) => [...uleb(items.length), ...items.flat()];
const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

export const I32 = 0x7f;
export const V128 = 0x7b;
export const F32 = 0x7d;

/** Opcodes used by the kernels (SIMD ones after the 0xfd prefix, LEB128-encoded). */
export const op = {
  block: [0x02, 0x40], loop: [0x03, 0x40], end: [0x0b], br: (d: number) => [0x0c, ...uleb(d)],
  brIf: (d: number) => [0x0d, ...uleb(d)], if: [0x04, 0x40], else: [0x05], call: (f: number) => [0x10, ...uleb(f)], select: [0x1b],
  get: (i: number) => [0x20, ...uleb(i)], set: (i: number) => [0x21, ...uleb(i)], tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)], add: [0x6a], sub: [0x6b], mul: [0x6c], divU: [0x6e], remU: [0x70], and: [0x71], ltU: [0x49], ltS: [0x48], leU: [0x4d], geU: [0x4f], geS: [0x4e], eqz: [0x45], eq: [0x46],
  f32Load: (offset = 0) => [0x2a, 0x02, ...uleb(offset)],
  f32Store: (offset = 0) => [0x38, 0x02, ...uleb(offset)],
  f32Gt: [0x5e],
  f32Const: (value: number) => [0x43, ...new Uint8Array(Float32Array.of(value).buffer)],
  f32Add: [0x92], f32Sub: [0x93], f32Mul: [0x94], f32Div: [0x95], f32Sqrt: [0x91], f32ConvertI32U: [0xb3], f32ConvertI32S: [0xb2],
  f32x4ExtractLane: (lane: number) => [0xfd, 0x1f, lane],
  f32x4Sub: [0xfd, ...uleb(0xe5)],
  i32Load: (offset = 0) => [0x28, 0x02, ...uleb(offset)],
  i32Store: (offset = 0) => [0x36, 0x02, ...uleb(offset)],
  v128Load: (offset = 0) => [0xfd, 0x00, 0x04, ...uleb(offset)],
  /** v128.load32_splat: one float32 from memory in all four lanes (a plain load on x64, no shuffle). */
  v128Load32Splat: (offset = 0) => [0xfd, 0x09, 0x02, ...uleb(offset)],
  v128Store: (offset = 0) => [0xfd, 0x0b, 0x04, ...uleb(offset)],
  v128Zero: [0xfd, 0x0c, ...new Array<number>(16).fill(0)],
  f32x4Splat: [0xfd, 0x13],
  /** Broadcast lane `lane` of the two v128 operands' first (i8x16.shuffle with both operands the same vector). */
  f32x4SplatLane: (lane: number) => [0xfd, 0x0d, ...Array.from({ length: 4 }, () => [0, 1, 2, 3].map((b) => lane * 4 + b)).flat()], f32x4Add: [0xfd, ...uleb(0xe4)], f32x4Mul: [0xfd, ...uleb(0xe6)],
  f32x4Div: [0xfd, ...uleb(0xe7)],
  /**
   * f32x4.pmin / pmax (b < a ? b : a, a < b ? b : a): one minps / maxps on x64, where f32x4.min / max (IEEE NaN and
   * signed-zero rules) take eight instructions. A NaN first operand passes through: clamp as pmin(pmax(x, lo), hi).
   */
  f32x4Pmin: [0xfd, ...uleb(0xea)], f32x4Pmax: [0xfd, ...uleb(0xeb)],
  /** v128.const holding `value` (as float32) in all four lanes. */
  f32x4Const: (value: number) => [0xfd, 0x0c, ...Array.from({ length: 4 }, () => [...new Uint8Array(Float32Array.of(value).buffer)]).flat()],
  f32x4RelaxedMadd: [0xfd, ...uleb(0x105)],
  f32x4Nearest: [0xfd, ...uleb(0x6a)],
  i32x4TruncSatF32x4S: [0xfd, ...uleb(0xf8)],
  i32x4Add: [0xfd, ...uleb(0xae)], i32x4Shl: [0xfd, ...uleb(0xab)], i32x4Mul: [0xfd, ...uleb(0xb5)],
  i32x4Splat: [0xfd, 0x11], i32x4GtS: [0xfd, 0x3b], f32x4Lt: [0xfd, 0x43], f32x4Gt: [0xfd, 0x44],
  f32x4Floor: [0xfd, 0x68], v128And: [0xfd, 0x4e],
  /** i8x16.shuffle picking 32-bit lanes `lanes` (0–3 from the first operand, 4–7 from the second). */
  shuffle32: (lanes: readonly number[]) => [0xfd, 0x0d, ...lanes.flatMap((l) => [0, 1, 2, 3].map((b) => l * 4 + b))],
  /** v128.const holding the integer `value` in all four i32 lanes. */
  i32x4Const: (value: number) => [0xfd, 0x0c, ...Array.from({ length: 4 }, () => [...new Uint8Array(Int32Array.of(value).buffer)]).flat()],
};

export interface FunctionDef {
  name: string;
  params: number;
  /** Parameter types (default: all i32). */
  paramTypes?: number[];
  /** Extra locals by type, declared after the (i32) parameters. */
  locals: Array<[count: number, type: number]>;
  body: number[];
}

/**
 * A module importing the shared memory `env.memory` (the backend's heap, up to 4 GiB) and exporting the given
 * functions (no results).
 */
export function encodeModule(functions: FunctionDef[]): Uint8Array<ArrayBuffer> {
  const limits = [0x03, ...uleb(1), ...uleb(65536)];
  const types = functions.map((f) => [0x60, ...uleb(f.params), ...(f.paramTypes ?? new Array<number>(f.params).fill(I32)), 0x00]);
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(functions.map((f) => {
      const body = [...vec(f.locals.map(([n, t]) => [...uleb(n), t])), ...f.body, ...op.end];
      return [...uleb(body.length), ...body];
    }))),
  ];
  return Uint8Array.from(bytes);
}

/** `for (counter = 0; counter < limit; counter += step) body`, with counter and limit i32 locals (unsigned compare). */
export function forLoop(counter: number, limit: number, step: number, body: number[]): number[] {
  return [
    ...op.i32(0), ...op.set(counter),
    ...op.block, ...op.loop,
    ...op.get(counter), ...op.get(limit), ...op.geU, ...op.brIf(1),
    ...body,
    ...op.get(counter), ...op.i32(step), ...op.add, ...op.set(counter),
    ...op.br(0), ...op.end, ...op.end,
  ];
}
