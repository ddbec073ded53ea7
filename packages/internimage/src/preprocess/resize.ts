// Image resizing that reproduces Pillow's Image.resize(..., BICUBIC) on 8-bit images (Pillow's Resample.c): a
// separable convolution, horizontal pass then vertical pass, with the support widened by the scale when shrinking
// (antialiasing), coefficients in 22-bit fixed point, and each pass rounded and clamped to 8 bits.

/** An interleaved 8-bit image: `data[(y·width + x)·channels + c]`. */
export interface Image8 {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

const PRECISION_BITS = 32 - 8 - 2;
const SUPPORT = 2;

/** Pillow's bicubic kernel, a = −0.5. */
function bicubic(x: number): number {
  const a = -0.5;
  x = Math.abs(x);
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

interface Coefficients {
  /** Per output index: the first input index and the fixed-point weights from there. */
  start: Int32Array;
  weights: Int32Array[];
}

function coefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = SUPPORT * filterScale;
  const start = new Int32Array(outSize);
  const weights: Int32Array[] = [];
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    // C's (int) cast truncates toward zero.
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
    const k: number[] = [];
    let sum = 0;
    for (let i = lo; i < hi; i++) {
      const w = bicubic((i - center + 0.5) / filterScale);
      k.push(w);
      sum += w;
    }
    start[o] = lo;
    weights.push(Int32Array.from(k, (w) => {
      const v = (sum !== 0 ? w / sum : w) * (1 << PRECISION_BITS);
      return Math.trunc(v < 0 ? v - 0.5 : v + 0.5);
    }));
  }
  return { start, weights };
}

function clip8(v: number): number {
  const shifted = Math.floor(v / (1 << PRECISION_BITS));
  return shifted < 0 ? 0 : shifted > 255 ? 255 : shifted;
}

/** Convolves along one axis: `stride` steps between taps of that axis, `lines` × `along` output positions. */
function pass(src: Image8, outW: number, outH: number, horizontal: boolean, k: Coefficients): Image8 {
  const { channels } = src;
  const out = new Uint8Array(outW * outH * channels);
  const round = 1 << (PRECISION_BITS - 1);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const o = horizontal ? x : y;
      const w = k.weights[o]!;
      const first = k.start[o]!;
      for (let c = 0; c < channels; c++) {
        let acc = round;
        for (let t = 0; t < w.length; t++) {
          const sx = horizontal ? first + t : x;
          const sy = horizontal ? y : first + t;
          acc += src.data[(sy * src.width + sx) * channels + c]! * w[t]!;
        }
        out[(y * outW + x) * channels + c] = clip8(acc);
      }
    }
  }
  return { data: out, width: outW, height: outH, channels };
}

/** Pillow-compatible bicubic resize of an 8-bit image. */
export function resizeBicubic(src: Image8, width: number, height: number): Image8 {
  let img = src;
  if (width !== src.width) img = pass(img, width, img.height, true, coefficients(src.width, width));
  if (height !== src.height) img = pass(img, width, height, false, coefficients(src.height, height));
  return img === src ? { ...src, data: src.data.slice() } : img;
}
