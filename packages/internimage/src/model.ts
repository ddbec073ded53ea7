import type { Tensor } from '@internimage/core';
import { ArgumentError, dispose, reshape, tidy, transpose } from '@internimage/core';
import type { InternImageConfig } from './config.js';
import { validateConfig } from './config.js';
import { initWeights } from './init.js';
import { attentionPoolHead } from './layers/attention_pool_head.js';
import { classificationHead } from './layers/cls_head.js';
import { ParamsView } from './layers/params_view.js';
import { Stage } from './layers/stage.js';
import { stem } from './layers/stem.js';
import type { ParamSpec } from './params.js';
import { parameterSpecs } from './params.js';
import type { WeightSource } from './weights.js';
import { loadWeights } from './weights.js';

export interface ModelOptions {
  /** Build without the classification head: only the four stage outputs (detection/segmentation backbone). */
  backbone?: boolean;
}

export interface FromWeightsOptions extends ModelOptions {
  /** Unexpected keys are errors (default true). In backbone mode the head's keys are always ignored. */
  strict?: boolean;
  /** Called after each tensor is loaded: bytes (float32) loaded so far and in total. */
  onProgress?: (loadedBytes: number, totalBytes: number, name: string) => void;
}

export interface FeatureOptions {
  /** Which stage outputs to return, in order (default [0, 1, 2, 3]). */
  outIndices?: number[];
  /** 'NCHW' (default, as the official backbones return them) or 'NHWC'. */
  layout?: 'NCHW' | 'NHWC';
}

const HEAD_PREFIXES = ['conv_head.', 'head.', 'dcnv3_head_x4.', 'dcnv3_head_x3.', 'clip_projector.', 'fc_norm.'];

/** InternImage on whatever backend is active. Input images are NCHW `[N, 3, H, W]`, normalised. */
export class InternImage {
  readonly config: InternImageConfig;
  readonly backbone: boolean;
  private readonly weights: Map<string, Tensor>;
  private readonly stages: Stage[];
  private disposed = false;

  private constructor(config: InternImageConfig, weights: Map<string, Tensor>, backbone: boolean) {
    this.config = config;
    this.weights = weights;
    this.backbone = backbone;
    const p = new ParamsView(weights);
    this.stages = [0, 1, 2, 3].map((i) => new Stage(p.child(`levels.${i}`), config, i));
  }

  /** The state_dict layout this model expects. */
  static specs(config: Partial<InternImageConfig>, options: ModelOptions = {}): ParamSpec[] {
    const c = validateConfig(config);
    return parameterSpecs(c, { head: !options.backbone && c.numClasses > 0 });
  }

  /** Loads weights by their official state_dict names; every missing, unexpected or mis-shaped key is reported at once. */
  static fromWeights(config: Partial<InternImageConfig>, source: WeightSource, options: FromWeightsOptions = {}): InternImage {
    const c = validateConfig(config);
    const backbone = options.backbone ?? c.numClasses === 0;
    const weights = loadWeights(InternImage.specs(c, { backbone }), source, {
      strict: options.strict ?? true,
      ignore: backbone ? (name) => HEAD_PREFIXES.some((h) => name.startsWith(h)) : undefined,
      onProgress: options.onProgress,
    });
    return new InternImage(c, weights, backbone);
  }

  /** Random weights drawn as the official initialisation does (offsets and masks zero: every DCN starts as a box filter). */
  static random(config: Partial<InternImageConfig>, options: ModelOptions & { seed?: number } = {}): InternImage {
    const c = validateConfig(config);
    const backbone = options.backbone ?? c.numClasses === 0;
    return new InternImage(c, initWeights(InternImage.specs(c, { backbone }), options.seed ?? 0), backbone);
  }

  /** Logits `[N, numClasses]` and the four stage outputs (NHWC, before downsampling). */
  forward(image: Tensor): { logits: Tensor | null; features: Tensor[] } {
    return this.run(image, !this.backbone);
  }

  private run(image: Tensor, withHead: boolean): { logits: Tensor | null; features: Tensor[] } {
    this.checkInput(image);
    const p = new ParamsView(this.weights);
    const features: Tensor[] = [];
    let x = tidy(() => stem(p.child('patch_embed'), image));
    try {
      for (const stage of this.stages) {
        const out = stage.forward(x);
        x.dispose();
        features.push(out);
        x = out;
        if (stage.index < 3) x = stage.downsample(out);
      }
      const logits = !withHead
        ? null
        : tidy(() => this.config.useClipProjector
          ? attentionPoolHead(p, this.config, features[2]!, features[3]!)
          : classificationHead(p, features[3]!));
      return { logits, features };
    } catch (e) {
      dispose(...features, x);
      throw e;
    }
  }

  /** Logits `[N, numClasses]`. */
  classify(image: Tensor): Tensor {
    if (this.backbone) throw new Error('classify: this model was built as a backbone (no classification head)');
    const { logits, features } = this.forward(image);
    dispose(...features);
    return logits!;
  }

  /** Backbone mode: the chosen stage outputs (before downsampling), NCHW by default. */
  features(image: Tensor, options: FeatureOptions = {}): Tensor[] {
    const outIndices = options.outIndices ?? [0, 1, 2, 3];
    const layout = options.layout ?? 'NCHW';
    if (!Array.isArray(outIndices) || outIndices.some((i) => ![0, 1, 2, 3].includes(i))) {
      throw new ArgumentError('features', 'outIndices', 'stage indices among 0, 1, 2, 3', JSON.stringify(outIndices));
    }
    if (layout !== 'NCHW' && layout !== 'NHWC') throw new ArgumentError('features', 'layout', "'NCHW' or 'NHWC'", JSON.stringify(layout));
    const { features } = this.run(image, false);
    const picked = outIndices.map((i) => (layout === 'NCHW' ? transpose(features[i]!, [0, 3, 1, 2]) : reshape(features[i]!, [...features[i]!.shape])));
    dispose(...features);
    return picked;
  }

  /**
   * The DCNv3 sampling of one block: offsets `[N,H,W,G·P·2]` and softmaxed mask `[N,H,W,G·P]` at that stage's
   * resolution, computed from the block's actual input for this image. The caller disposes both.
   */
  samplingPoints(image: Tensor, stage: number, block: number): { offset: Tensor; mask: Tensor; stride: number; points: number; offsetScale: number } {
    this.checkInput(image);
    const s = this.stages[stage];
    if (!s) throw new ArgumentError('samplingPoints', 'stage', 'one of 0, 1, 2, 3', String(stage));
    if (!Number.isInteger(block) || block < 0 || block >= s.depth) {
      throw new ArgumentError('samplingPoints', 'block', `a block of stage ${stage} (0..${s.depth - 1})`, String(block));
    }
    const p = new ParamsView(this.weights);
    let x = tidy(() => stem(p.child('patch_embed'), image));
    for (const earlier of this.stages.slice(0, stage)) {
      const out = earlier.forward(x);
      x.dispose();
      x = earlier.downsample(out);
      out.dispose();
    }
    const input = s.runBlocks(x, block);
    x.dispose();
    const b = s.block(block);
    const { offset, mask } = tidy(() => {
      const r = b.deformable.offsetAndMask(b.dcnInput(input));
      return { offset: r.offset, mask: r.mask };
    });
    input.dispose();
    return { offset, mask, stride: 4 * 2 ** stage, points: b.deformable.points, offsetScale: this.config.offsetScale };
  }

  /** The model's weights by official name (owned by the model). */
  parameters(): ReadonlyMap<string, Tensor> {
    return this.weights;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    dispose(...this.weights.values());
    this.weights.clear();
  }

  private checkInput(image: Tensor): void {
    if (this.disposed) throw new Error('InternImage: the model has been disposed');
    const s = image?.shape;
    if (!s || s.length !== 4 || s[1] !== 3 || image.dtype !== 'float32') {
      throw new ArgumentError('InternImage.forward', 'image', 'a float32 tensor [N, 3, H, W] (NCHW, normalised)', s ? `${image.dtype} [${s.join(', ')}]` : String(image));
    }
    if (s[2]! < 32 || s[3]! < 32) {
      throw new ArgumentError('InternImage.forward', 'image', 'at least 32×32 pixels (the network downsamples by 32)', `${s[2]}×${s[3]}`);
    }
  }
}
