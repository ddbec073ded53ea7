// mmseg's EncoderDecoder at test time (mmseg 0.27 segmentors/encoder_decoder.py) with an InternImage backbone and a
// UPerHead: whole or sliding-window inference, the logits resized to the network input and then to the original
// image, class = argmax.
import type { Tensor } from '@internimage/core';
import { ArgumentError, argMax, dispose, resizeBilinear, slice, tensor, tidy, transpose } from '@internimage/core';
import { initWeights } from '../init.js';
import { ParamsView } from '../layers/params_view.js';
import { InternImage } from '../model.js';
import type { WeightSource } from '../weights.js';
import { loadWeights, toTensorSource } from '../weights.js';
import type { SegmentorConfig, SegmentorConfigInput } from './config.js';
import { validateSegmentorConfig } from './config.js';
import { DECODE_HEAD, segmentorSpecs } from './params.js';
import { uperHead } from './uper_head.js';

/** mmseg's test_cfg: the whole image at once, or overlapping crop-size windows `stride` apart, averaged. */
export type TestMode =
  | { mode: 'whole' }
  | { mode: 'slide'; cropSize: [number, number]; stride: [number, number] };

export function checkTestMode(op: string, test: TestMode): TestMode {
  if (test?.mode === 'whole') return { mode: 'whole' };
  if (test?.mode !== 'slide') throw new ArgumentError(op, 'mode', "'whole' or 'slide'", JSON.stringify((test as { mode?: unknown } | undefined)?.mode));
  for (const name of ['cropSize', 'stride'] as const) {
    const v = test[name];
    if (!Array.isArray(v) || v.length !== 2 || !v.every((s) => Number.isInteger(s) && s >= 1)) {
      throw new ArgumentError(op, name, '[h, w], two positive integers (slide mode)', JSON.stringify(v));
    }
  }
  if (test.cropSize.some((s) => s < 32)) throw new ArgumentError(op, 'cropSize', 'at least 32×32 (the backbone downsamples by 32)', test.cropSize.join('×'));
  return { mode: 'slide', cropSize: [...test.cropSize], stride: [...test.stride] };
}

/** Window origins along one axis, as mmseg's slide_inference places them (the last window flush with the end). */
export function slideWindows(size: number, crop: number, stride: number): Array<[number, number]> {
  const grids = Math.floor(Math.max(size - crop + stride - 1, 0) / stride) + 1;
  return Array.from({ length: grids }, (_, i) => {
    const end = Math.min(i * stride + crop, size);
    return [Math.max(end - crop, 0), end];
  });
}

export interface SegmentorOutputs {
  /** Backbone outputs, NHWC. */
  features: Tensor[];
  /** Decode head logits at 1/4 of the input, NHWC. */
  decodeLogits: Tensor;
}

export class UperNetSegmentor {
  readonly config: SegmentorConfig;
  readonly backbone: InternImage;
  private readonly head: Map<string, Tensor>;
  private disposed = false;

  private constructor(config: SegmentorConfig, backbone: InternImage, head: Map<string, Tensor>) {
    this.config = config;
    this.backbone = backbone;
    this.head = head;
  }

  static specs(config: SegmentorConfigInput) {
    return segmentorSpecs(validateSegmentorConfig(config));
  }

  /**
   * Loads by canonical name (backbone unprefixed, `decode_head.*`); the auxiliary head's keys are checked and ignored.
   * Every missing, unexpected or mis-shaped key is reported at once (WeightLoadError).
   */
  static fromWeights(
    config: SegmentorConfigInput, source: WeightSource,
    options: { onProgress?: (loadedBytes: number, totalBytes: number, name: string) => void } = {},
  ): UperNetSegmentor {
    const c = validateSegmentorConfig(config);
    return UperNetSegmentor.assemble(c, loadWeights(segmentorSpecs(c), toTensorSource(source), { onProgress: options.onProgress }));
  }

  /** Random weights (mmcv's initialisation of the head, the official one of the backbone); BatchNorm statistics 0 and 1. */
  static random(config: SegmentorConfigInput, options: { seed?: number } = {}): UperNetSegmentor {
    const c = validateSegmentorConfig(config);
    return UperNetSegmentor.assemble(c, initWeights(segmentorSpecs(c), options.seed ?? 0));
  }

  private static assemble(c: SegmentorConfig, weights: Map<string, Tensor>): UperNetSegmentor {
    const head = new Map<string, Tensor>();
    const backboneWeights = new Map<string, Tensor>();
    for (const [name, t] of weights) {
      if (name.startsWith(DECODE_HEAD)) head.set(name.slice(DECODE_HEAD.length), t);
      else backboneWeights.set(name, t);
    }
    try {
      // fromWeights takes its own handles on the same buffers; ours are released right after.
      return new UperNetSegmentor(c, InternImage.fromWeights(c.backbone, backboneWeights, { backbone: true }), head);
    } catch (e) {
      dispose(...head.values());
      throw e;
    } finally {
      dispose(...backboneWeights.values());
    }
  }

  /** Backbone features and the decode head's logits for a normalised NCHW batch `[N, 3, H, W]`. */
  forward(image: Tensor): SegmentorOutputs {
    this.checkAlive();
    const features = this.backbone.features(image, { layout: 'NHWC' });
    try {
      const decodeLogits = uperHead(new ParamsView(this.head), features, this.config);
      return { features, decodeLogits };
    } catch (e) {
      dispose(...features);
      throw e;
    }
  }

  /** mmseg's encode_decode: logits NHWC `[N, H, W, K]` at the input's size. */
  encodeDecode(image: Tensor): Tensor {
    const { features, decodeLogits } = this.forward(image);
    dispose(...features);
    const out = this.resize(decodeLogits, [image.shape[2]!, image.shape[3]!]);
    decodeLogits.dispose();
    return out;
  }

  /**
   * The segmentation logits of one image (`[1, 3, H, W]`, normalised) at the original image size `[h, w]`, NHWC
   * `[1, h, w, K]`, before softmax.
   */
  async logits(image: Tensor, originalSize: [number, number], test: TestMode = { mode: 'whole' }): Promise<Tensor> {
    this.checkAlive();
    if (image.shape[0] !== 1) throw new ArgumentError('UperNetSegmentor.logits', 'image', 'a batch of one image (as mmseg tests)', `a batch of ${image.shape[0]}`);
    const t = checkTestMode('UperNetSegmentor.logits', test);
    const atInput = t.mode === 'whole' ? this.encodeDecode(image) : await this.slide(image, t.cropSize, t.stride);
    const out = this.resize(atInput, originalSize);
    atInput.dispose();
    return out;
  }

  /** Class index per pixel of NHWC logits, row-major `[h·w]` (first class on ties). */
  async classMap(logits: Tensor): Promise<Int32Array> {
    const idx = argMax(logits, { axis: -1 });
    try {
      return Int32Array.from(await idx.data());
    } finally {
      idx.dispose();
    }
  }

  /** NHWC → NCHW, as the official tensors are laid out. */
  static toNCHW(x: Tensor): Tensor {
    return transpose(x, [0, 3, 1, 2]);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.backbone.dispose();
    dispose(...this.head.values());
    this.head.clear();
  }

  private resize(x: Tensor, size: [number, number]): Tensor {
    return resizeBilinear(x, size, { alignCorners: this.config.alignCorners, dataFormat: 'NHWC' });
  }

  /** slide_inference: every window through encode_decode, summed where windows overlap and divided by the count. */
  private async slide(image: Tensor, crop: [number, number], stride: [number, number]): Promise<Tensor> {
    const [, , H, W] = image.shape as [number, number, number, number];
    const K = this.config.numClasses;
    const sum = new Float32Array(H * W * K);
    const count = new Uint16Array(H * W);
    for (const [y1, y2] of slideWindows(H, crop[0], stride[0])) {
      for (const [x1, x2] of slideWindows(W, crop[1], stride[1])) {
        const logits = tidy(() => this.encodeDecode(slice(image, [0, 0, y1, x1], [1, 3, y2 - y1, x2 - x1])));
        const values = await logits.data();
        logits.dispose();
        const w = x2 - x1;
        for (let y = y1; y < y2; y++) {
          for (let x = x1; x < x2; x++) {
            count[y * W + x]!++;
            const src = ((y - y1) * w + (x - x1)) * K;
            const dst = (y * W + x) * K;
            for (let k = 0; k < K; k++) sum[dst + k]! += values[src + k]!;
          }
        }
      }
    }
    for (let i = 0; i < H * W; i++) for (let k = 0; k < K; k++) sum[i * K + k]! /= count[i]!;
    return tensor(sum, [1, H, W, K]);
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('UperNetSegmentor: the segmentor has been disposed');
  }
}
