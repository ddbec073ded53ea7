// Minimal raster drawing on RGB images for the sampling-point picture, and PNG encoding (fast-png).
import { encode } from 'fast-png';
import type { Image8 } from '../preprocess/resize.js';

export type RGB = readonly [number, number, number];

/** Nearest-neighbour enlargement by an integer factor. */
export function enlarge(img: Image8, factor: number): Image8 {
  const w = img.width * factor;
  const h = img.height * factor;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const src = (Math.floor(y / factor) * img.width + Math.floor(x / factor)) * img.channels;
      for (let c = 0; c < 3; c++) out[(y * w + x) * 3 + c] = img.data[src + (img.channels === 1 ? 0 : c)]!;
    }
  }
  return { data: out, width: w, height: h, channels: 3 };
}

/** Blends `color` over the pixel with opacity `alpha`. */
function blend(img: Image8, x: number, y: number, color: RGB, alpha: number): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  const o = (y * img.width + x) * 3;
  for (let c = 0; c < 3; c++) img.data[o + c] = Math.round(img.data[o + c]! * (1 - alpha) + color[c]! * alpha);
}

/** A filled disc with a dark rim, so it stays visible on any background. */
export function disc(img: Image8, cx: number, cy: number, radius: number, color: RGB, alpha = 0.85): void {
  const r = Math.max(radius, 1);
  for (let y = Math.floor(cy - r - 1); y <= Math.ceil(cy + r + 1); y++) {
    for (let x = Math.floor(cx - r - 1); x <= Math.ceil(cx + r + 1); x++) {
      const d = Math.hypot(x - cx, y - cy);
      if (d <= r) blend(img, x, y, color, alpha);
      else if (d <= r + 1) blend(img, x, y, [0, 0, 0], 0.6);
    }
  }
}

/** A cross marking a query pixel. */
export function cross(img: Image8, cx: number, cy: number, size: number, color: RGB): void {
  for (let d = -size; d <= size; d++) {
    for (const t of [-1, 0, 1]) {
      blend(img, Math.round(cx + d), Math.round(cy + t), t === 0 ? color : [0, 0, 0], t === 0 ? 1 : 0.6);
      blend(img, Math.round(cx + t), Math.round(cy + d), t === 0 ? color : [0, 0, 0], t === 0 ? 1 : 0.6);
    }
  }
}

/** An 8-bit RGB PNG of the image (gray is expanded, alpha dropped). */
export function encodePng(img: Image8): Uint8Array {
  const data = new Uint8Array(img.width * img.height * 3);
  for (let i = 0; i < img.width * img.height; i++) {
    for (let c = 0; c < 3; c++) data[i * 3 + c] = img.data[i * img.channels + (img.channels === 1 ? 0 : c)]!;
  }
  return encode({ width: img.width, height: img.height, data, depth: 8, channels: 3 });
}
