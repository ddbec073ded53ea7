// The deformable receptive field as a picture: where one DCNv3 block samples for chosen output pixels.
import type { Classifier, ImageInput } from './classifier.js';
import { toImage8 } from './image/input.js';
import type { RGB } from './image/draw.js';
import { cross, disc, enlarge } from './image/draw.js';
import type { Image8 } from './preprocess/resize.js';
import { resizeAndCrop, toRGB } from './preprocess/transform.js';
import { ArgumentError } from '@internimage/core';

export interface SamplingPoint {
  /** Query pixel in the preprocessed image (x, y). */
  at: [number, number];
  group: number;
  point: number;
  /** Sampled location in the preprocessed image's pixel coordinates. */
  x: number;
  y: number;
  weight: number;
}

export interface VisualizeOptions {
  stage?: number;
  block?: number;
  /** One group, or all groups (default). */
  group?: number;
  /** Query pixels in the preprocessed (resized and cropped) image; default its centre. */
  at?: Array<[number, number]>;
  /** Enlargement of the picture (default: to about 512 pixels). */
  scale?: number;
}

/** One colour per DCNv3 group (cycled), shared by the CLI's pictures and the web app's overlay. */
export const SAMPLING_PALETTE: readonly RGB[] = [[255, 64, 64], [64, 200, 255], [255, 210, 0], [120, 255, 120], [255, 120, 255], [255, 150, 40], [160, 120, 255], [0, 255, 200]];

/** Disc radius in pixels of a ~512-pixel picture: 2 to 8, so that the disc's area grows with the mask weight. */
export const samplingDiscRadius = (weight: number, maxWeight: number) => 2 + 6 * Math.sqrt(weight / maxWeight);

/** The sampling points of one DCNv3 block for the image, and a picture of them over the preprocessed image. */
export async function visualizeSampling(clf: Classifier, image: ImageInput, options: VisualizeOptions = {}): Promise<{ picture: Image8; points: SamplingPoint[] }> {
  const stage = options.stage ?? 1;
  const block = options.block ?? 0;
  const S = clf.imageSize;
  const at = options.at ?? [[Math.floor(S / 2), Math.floor(S / 2)]];
  at.forEach(([x, y], i) => {
    if (!(Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < S && y < S)) {
      throw new ArgumentError('visualize', `at[${i}]`, `pixel coordinates inside the ${S}×${S} preprocessed image`, `${x},${y}`);
    }
  });
  const img8 = await toImage8(image, 0);
  const x = await clf.preprocess(img8);
  const { offset, mask, stride, points: P, offsetScale } = (() => {
    try {
      return clf.model.samplingPoints(x, stage, block);
    } finally {
      x.dispose();
    }
  })();
  const [, H, W] = mask.shape as [number, number, number, number];
  const G = clf.config.groups[stage]!;
  const groups = options.group === undefined ? [...Array(G).keys()] : [options.group];
  for (const g of groups) if (!(Number.isInteger(g) && g >= 0 && g < G)) throw new ArgumentError('visualize', 'group', `0..${G - 1}`, String(g));
  const off = await offset.data();
  const m = await mask.data();
  offset.dispose();
  mask.dispose();
  const result: SamplingPoint[] = [];
  for (const [px, py] of at) {
    // The stem and downsampling convolutions (3×3, stride 2, padding 1) centre feature pixel f on input pixel f·stride.
    const wo = Math.min(Math.round(px / stride), W - 1);
    const ho = Math.min(Math.round(py / stride), H - 1);
    const pixel = ho * W + wo;
    for (const g of groups) {
      let p = 0;
      // x-outer point order, as the operator (docs/internimage.md#the-dcnv3-operator);
      // InternImage's DCN is 3×3, stride 1, pad 1.
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          if (P === 8 && i === 1 && j === 1) continue;
          const k = (pixel * G + g) * P + p;
          const fx = wo + (i - 1 + off[2 * k]!) * offsetScale;
          const fy = ho + (j - 1 + off[2 * k + 1]!) * offsetScale;
          result.push({ at: [px, py], group: g, point: p, x: fx * stride, y: fy * stride, weight: m[k]! });
          p++;
        }
      }
    }
  }
  const scale = options.scale ?? Math.max(1, Math.round(512 / S));
  const picture = enlarge(resizeAndCrop(toRGB(img8), S), scale);
  const maxWeight = Math.max(...result.map((r) => r.weight), 1e-9);
  for (const r of result) {
    const color = SAMPLING_PALETTE[r.group % SAMPLING_PALETTE.length]!;
    disc(picture, (r.x + 0.5) * scale - 0.5, (r.y + 0.5) * scale - 0.5, samplingDiscRadius(r.weight, maxWeight), color);
  }
  for (const [px, py] of at) cross(picture, (px + 0.5) * scale - 0.5, (py + 0.5) * scale - 0.5, 6, [255, 255, 255]);
  return { picture, points: result };
}
