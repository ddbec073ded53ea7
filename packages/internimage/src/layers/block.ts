import type { Tensor } from '@internimage/core';
import { add, linear, mul } from '@internimage/core';
import type { InternImageConfig } from '../config.js';
import { DCNv3Module } from './dcnv3_module.js';
import { ln } from './norm.js';
import type { ParamsView } from './params_view.js';

/** One InternImageLayer (docs/internimage.md#the-block) on NHWC input; the residual wiring depends on the config. */
export class InternImageBlock {
  private readonly dcn: DCNv3Module;

  constructor(private readonly p: ParamsView, private readonly config: InternImageConfig, channels: number, group: number) {
    this.dcn = new DCNv3Module(p.child('dcn'), {
      channels, group, offsetScale: config.offsetScale, dwKernelSize: config.dwKernelSize,
      centerFeatureScale: config.centerFeatureScale, removeCenter: config.removeCenter,
    });
  }

  /** The block's DCNv3 module. */
  get deformable(): DCNv3Module {
    return this.dcn;
  }

  /** What the DCNv3 module of this block receives for block input x: norm1(x), or x itself in post-norm blocks. */
  dcnInput(x: Tensor): Tensor {
    return this.config.postNorm ? x : ln(this.p.child('norm1.0'), x);
  }

  forward(x: Tensor): Tensor {
    const { p, config: c } = this;
    const dcn = (t: Tensor) => this.dcn.forward(t);
    const mlp = (t: Tensor) =>
      linear(linear(t, p.get('mlp.fc1.weight'), p.get('mlp.fc1.bias'), { activation: 'gelu' }), p.get('mlp.fc2.weight'), p.get('mlp.fc2.bias'));
    const norm1 = (t: Tensor) => ln(p.child('norm1.0'), t);
    const norm2 = (t: Tensor) => ln(p.child('norm2.0'), t);
    if (c.layerScale !== null) {
      const g1 = p.get('gamma1');
      const g2 = p.get('gamma2');
      if (c.postNorm) {
        x = add(x, mul(g1, norm1(dcn(x))));
        return add(x, mul(g2, norm2(mlp(x))));
      }
      x = add(x, mul(g1, dcn(norm1(x))));
      return add(x, mul(g2, mlp(norm2(x))));
    }
    if (c.postNorm) {
      x = add(x, norm1(dcn(x)));
      return add(x, norm2(mlp(x)));
    }
    if (c.resPostNorm) {
      x = add(x, ln(p.child('res_post_norm1.0'), dcn(norm1(x))));
      return add(x, ln(p.child('res_post_norm2.0'), mlp(norm2(x))));
    }
    x = add(x, dcn(norm1(x)));
    return add(x, mlp(norm2(x)));
  }
}
