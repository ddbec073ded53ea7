import type { Tensor } from '@internimage/core';
import { add, conv2d, dcnv3, gelu, linear, mul, reshape, sigmoid, softmax, sub } from '@internimage/core';
import { ln } from './norm.js';
import type { ParamsView } from './params_view.js';

export interface DCNv3ModuleOptions {
  channels: number;
  group: number;
  offsetScale: number;
  dwKernelSize: number;
  centerFeatureScale: boolean;
  removeCenter: boolean;
  /** The core op's sampling kernel; InternImage hard-codes 3 / 1 / 1 / 1. */
  kernel?: number;
  stride?: number;
  pad?: number;
  dilation?: number;
}

/** The DCNv3 module (docs/internimage.md#the-dcnv3-module) on NHWC input `[N, H, W, C]`. Weights under `dcn.`. */
export class DCNv3Module {
  constructor(private readonly p: ParamsView, private readonly o: DCNv3ModuleOptions) {}

  /** Sampling points per group. */
  get points(): number {
    return (this.o.kernel ?? 3) ** 2 - (this.o.removeCenter ? 1 : 0);
  }

  get options(): Readonly<DCNv3ModuleOptions> {
    return this.o;
  }

  /**
   * The offset/mask branch: offsets `[N,H,W,G·P·2]` ((Δx, Δy) pairs) and softmaxed mask `[N,H,W,G·P]`, plus the
   * features `y1` it computed them from. It reads the block input x, not input_proj(x).
   */
  offsetAndMask(x: Tensor): { offset: Tensor; mask: Tensor; y1: Tensor } {
    const { p, o } = this;
    const [n, h, w] = x.shape as [number, number, number, number];
    const dw = conv2d(x, p.get('dw_conv.0.weight'), {
      bias: p.get('dw_conv.0.bias'), padding: (o.dwKernelSize - 1) / 2, groups: o.channels, dataFormat: 'NHWC',
    });
    const y1 = gelu(ln(p.child('dw_conv.1.1'), dw));
    const offset = linear(y1, p.get('offset.weight'), p.get('offset.bias'));
    const maskLogits = reshape(linear(y1, p.get('mask.weight'), p.get('mask.bias')), [n, h, w, o.group, this.points]);
    const mask = reshape(softmax(maskLogits, -1), [n, h, w, o.group * this.points]);
    return { offset, mask, y1 };
  }

  /** Call inside tidy(): intermediates are left to the caller's scope. */
  forward(x: Tensor): Tensor {
    const { p, o } = this;
    const n = x.shape[0]!;
    const groupChannels = o.channels / o.group;
    const value = linear(x, p.get('input_proj.weight'), p.get('input_proj.bias'));
    const { offset, mask, y1 } = this.offsetAndMask(x);
    let sampled = dcnv3(value, offset, mask, {
      kernelSize: o.kernel ?? 3, stride: o.stride ?? 1, padding: o.pad ?? 1, dilation: o.dilation ?? 1,
      group: o.group, groupChannels, offsetScale: o.offsetScale, removeCenter: o.removeCenter,
    });
    if (o.centerFeatureScale) {
      // Per-pixel, per-group gate from the dw branch: sampled·(1 − s) + value·s = sampled + (value − sampled)·s.
      const gate = sigmoid(linear(y1, p.get('center_feature_scale_proj_weight'), p.get('center_feature_scale_proj_bias')));
      const [oh, ow] = sampled.shape.slice(1, 3) as [number, number];
      const grouped = [n, oh, ow, o.group, groupChannels];
      const s = reshape(gate, [n, oh, ow, o.group, 1]);
      const a = reshape(sampled, grouped);
      sampled = reshape(add(a, mul(sub(reshape(value, grouped), a), s)), [n, oh, ow, o.channels]);
    }
    return linear(sampled, p.get('output_proj.weight'), p.get('output_proj.bias'));
  }
}
