// Pictures of a class map: the map in its palette colours, the image blended with it (as mmseg's show_result does,
// opacity 0.5), and a legend of the classes present with their share of the pixels.
import { svgToPng } from '#platform';
import type { Image8 } from '../preprocess/resize.js';
import { toRGB } from '../preprocess/transform.js';
import type { RGB } from './classes.js';
import type { Segmentation } from './segmenter.js';

export interface ClassShare {
  index: number;
  name: string;
  pixels: number;
  /** pixels / (width · height) */
  fraction: number;
}

/** The classes present, most pixels first. */
export function classShares(seg: Pick<Segmentation, 'classMap' | 'classes'>): ClassShare[] {
  const counts = new Map<number, number>();
  for (const c of seg.classMap) counts.set(c, (counts.get(c) ?? 0) + 1);
  const total = seg.classMap.length;
  return [...counts].map(([index, pixels]) => ({ index, name: seg.classes[index] ?? String(index), pixels, fraction: pixels / total }))
    .sort((a, b) => b.pixels - a.pixels || a.index - b.index);
}

/** Each pixel in its class's colour. */
export function colorizeClassMap(seg: Pick<Segmentation, 'classMap' | 'width' | 'height' | 'palette'>): Image8 {
  const out = new Uint8Array(seg.width * seg.height * 3);
  seg.classMap.forEach((c, i) => out.set(seg.palette[c]!, i * 3));
  return { data: out, width: seg.width, height: seg.height, channels: 3 };
}

/** image·(1 − opacity) + colour·opacity, truncated to 8 bits. */
export function overlayClassMap(image: Image8, seg: Pick<Segmentation, 'classMap' | 'width' | 'height' | 'palette'>, opacity = 0.5): Image8 {
  const rgb = toRGB(image);
  if (rgb.width !== seg.width || rgb.height !== seg.height) {
    throw new Error(`overlayClassMap: the image is ${rgb.width}×${rgb.height}, the class map ${seg.width}×${seg.height}`);
  }
  const out = new Uint8Array(rgb.data.length);
  seg.classMap.forEach((c, i) => {
    const color = seg.palette[c]!;
    for (let k = 0; k < 3; k++) out[i * 3 + k] = Math.trunc(rgb.data[i * 3 + k]! * (1 - opacity) + color[k]! * opacity);
  });
  return { data: out, width: rgb.width, height: rgb.height, channels: 3 };
}

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** A legend as SVG: one colour swatch, name and pixel share per class present (classes under `minFraction` grouped). */
export function legendSvg(shares: readonly ClassShare[], palette: readonly RGB[], options: { title?: string; minFraction?: number } = {}): string {
  const min = options.minFraction ?? 0.001;
  const shown = shares.filter((s) => s.fraction >= min);
  const rest = shares.length - shown.length;
  const row = 22;
  const top = options.title ? 30 : 8;
  const height = top + row * (shown.length + (rest ? 1 : 0)) + 8;
  const width = 360;
  const lines = shown.map((s, i) => {
    const y = top + i * row;
    const [r, g, b] = palette[s.index]!;
    return `<rect x="10" y="${y}" width="16" height="16" fill="rgb(${r},${g},${b})" stroke="#333"/>` +
      `<text x="34" y="${y + 13}">${escapeXml(`${s.index} ${s.name}`)}</text>` +
      `<text x="${width - 10}" y="${y + 13}" text-anchor="end">${(s.fraction * 100).toFixed(1)}%</text>`;
  });
  if (rest) lines.push(`<text x="34" y="${top + shown.length * row + 13}" fill="#555">${rest} more classes under ${(min * 100).toFixed(1)}% each</text>`);
  const title = options.title ? `<text x="10" y="20" font-weight="bold">${escapeXml(options.title)}</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans, sans-serif" font-size="13">` +
    `<rect width="100%" height="100%" fill="white"/>${title}${lines.join('')}</svg>`;
}

/** The legend rendered to PNG (Node: sharp draws the SVG; a page shows legendSvg as it is). */
export async function legendPng(shares: readonly ClassShare[], palette: readonly RGB[], options: { title?: string; minFraction?: number } = {}): Promise<Uint8Array> {
  return svgToPng(legendSvg(shares, palette, options));
}
