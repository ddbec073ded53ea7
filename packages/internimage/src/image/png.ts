// PNG to 8-bit RGBA with fast-png (pure JavaScript: the same decoder, so the same pixels, in Node and in a browser).
// The expansion follows pngjs's (the decoder used before): gray and palette images become RGBA, 1/2/4/16-bit samples
// scale to 8 bits as floor(v · 255 / max + 0.5), and a tRNS colour makes its pixels (0, 0, 0, 0).
import { decode } from 'fast-png';
import type { Image8 } from '../preprocess/resize.js';

export function decodePngRgba(bytes: Uint8Array): Image8 {
  const { width, height, depth, channels, data, palette, transparency } = decode(bytes);
  const out = new Uint8Array(width * height * 4);
  const rowSamples = width * channels;
  const rowBytes = Math.ceil((rowSamples * depth) / 8);
  const max = 2 ** depth - 1;
  const sample = depth >= 8
    ? (y: number, i: number) => data[y * rowSamples + i]!
    : (y: number, i: number) => {
      const bit = i * depth;
      return (data[y * rowBytes + (bit >> 3)]! >> (8 - depth - (bit & 7))) & max;
    };
  const scale = depth === 8 ? (v: number) => v : (v: number) => Math.floor((v * 255) / max + 0.5);
  const raw = [0, 0, 0, 0];
  for (let y = 0, o = 0; y < height; y++) {
    for (let x = 0; x < width; x++, o += 4) {
      if (palette) {
        const index = sample(y, x);
        const color = palette[index];
        if (!color) throw new Error(`index ${index} not in palette`);
        out[o] = color[0]!;
        out[o + 1] = color[1]!;
        out[o + 2] = color[2]!;
        out[o + 3] = color[3] ?? 255;
        continue;
      }
      for (let c = 0; c < channels; c++) raw[c] = sample(y, x * channels + c);
      const gray = channels <= 2;
      const [r, g, b] = gray ? [raw[0]!, raw[0]!, raw[0]!] : [raw[0]!, raw[1]!, raw[2]!];
      const a = channels === 2 ? raw[1]! : channels === 4 ? raw[3]! : max;
      const transparent = transparency !== undefined && (gray
        ? transparency[0] === raw[0]
        : transparency[0] === raw[0] && transparency[1] === raw[1] && transparency[2] === raw[2]);
      if (transparent) continue;
      out[o] = scale(r);
      out[o + 1] = scale(g);
      out[o + 2] = scale(b);
      out[o + 3] = scale(a);
    }
  }
  return { data: out, width, height, channels: 4 };
}
