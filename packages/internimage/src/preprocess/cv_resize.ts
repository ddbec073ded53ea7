// OpenCV's cv2.resize(img_u8, (w, h), interpolation=INTER_LINEAR) on the x86-64 SIMD build, bit for bit
// (segmentation test pipeline, as mmcv.imresize calls it): half-pixel centres, no antialiasing, float32 coordinates
// quantised to 11-bit weights, an exact integer horizontal pass and the int16 vertical pass of the SIMD code.
import { ArgumentError } from '@internimage/core';
import type { Image8 } from './resize.js';

const COEF_BITS = 11;
const COEF_SCALE = 1 << COEF_BITS;

/** C's rint(): round half to even. */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

interface Taps {
  /** First source index per output index (the second is the next one, clipped). */
  index: Int32Array;
  w0: Int32Array;
  w1: Int32Array;
}

/** Columns clamp their index and weight at the borders; rows do not (their source rows are clipped instead). */
function taps(src: number, dst: number, clampBorders: boolean): Taps {
  const scale = 1 / (dst / src);
  const index = new Int32Array(dst);
  const w0 = new Int32Array(dst);
  const w1 = new Int32Array(dst);
  for (let d = 0; d < dst; d++) {
    let f = Math.fround((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    f = Math.fround(f - s);
    if (clampBorders) {
      if (s < 0) [s, f] = [0, 0];
      if (s >= src - 1) [s, f] = [src - 1, 0];
    }
    index[d] = s;
    w0[d] = rint(Math.fround(1 - f) * COEF_SCALE);
    w1[d] = rint(f * COEF_SCALE);
  }
  return { index, w0, w1 };
}

/** OpenCV turns an exact 2× downscale on both axes into INTER_AREA: the rounded mean of each 2×2 block. */
function halve(src: Image8, width: number, height: number): Image8 {
  const { channels: C, width: W } = src;
  const out = new Uint8Array(width * height * C);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < C; c++) {
        const a = ((2 * y) * W + 2 * x) * C + c;
        const b = a + W * C;
        out[(y * width + x) * C + c] = (src.data[a]! + src.data[a + C]! + src.data[b]! + src.data[b + C]! + 2) >> 2;
      }
    }
  }
  return { data: out, width, height, channels: C };
}

/** cv2.resize(src, (width, height), interpolation=cv2.INTER_LINEAR) for 8-bit images of any channel count. */
export function resizeLinearCv(src: Image8, width: number, height: number): Image8 {
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new ArgumentError('resizeLinearCv', name, 'a positive integer', String(v));
  }
  if (width === src.width && height === src.height) return { ...src, data: src.data.slice() };
  if (src.width === 2 * width && src.height === 2 * height) return halve(src, width, height);
  const { channels: C, width: W, height: H } = src;
  const cols = taps(W, width, true);
  const rows = taps(H, height, false);
  // Horizontal pass of every source row that some output row reads, computed once per row.
  const rowCache = new Map<number, Int32Array>();
  const horizontal = (y: number): Int32Array => {
    let t = rowCache.get(y);
    if (t) return t;
    t = new Int32Array(width * C);
    const base = y * W * C;
    for (let d = 0; d < width; d++) {
      const s0 = base + cols.index[d]! * C;
      const s1 = base + Math.min(cols.index[d]! + 1, W - 1) * C;
      const a0 = cols.w0[d]!;
      const a1 = cols.w1[d]!;
      for (let c = 0; c < C; c++) t[d * C + c] = src.data[s0 + c]! * a0 + src.data[s1 + c]! * a1;
    }
    rowCache.set(y, t);
    return t;
  };
  const out = new Uint8Array(width * height * C);
  for (let d = 0; d < height; d++) {
    const s = rows.index[d]!;
    const t0 = horizontal(Math.min(Math.max(s, 0), H - 1));
    const t1 = horizontal(Math.min(Math.max(s + 1, 0), H - 1));
    const b0 = rows.w0[d]!;
    const b1 = rows.w1[d]!;
    const o = d * width * C;
    for (let i = 0; i < width * C; i++) {
      // _mm_mulhi_epi16 on values shifted to 16 bits, then (t + 2) >> 2 with unsigned saturation.
      const v = (((t0[i]! >> 4) * b0) >> 16) + (((t1[i]! >> 4) * b1) >> 16);
      const r = (v + 2) >> 2;
      out[o + i] = r < 0 ? 0 : r > 255 ? 255 : r;
    }
    // Rows above the current window are never read again.
    for (const key of rowCache.keys()) if (key < s) rowCache.delete(key);
  }
  return { data: out, width, height, channels: C };
}
