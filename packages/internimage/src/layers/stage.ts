import type { Tensor } from '@internimage/core';
import { conv2d, reshape, tidy } from '@internimage/core';
import type { InternImageConfig } from '../config.js';
import { hasLevelNorm, stageChannels } from '../config.js';
import { InternImageBlock } from './block.js';
import { ln } from './norm.js';
import type { ParamsView } from './params_view.js';

/** `levels.i`: blocks, stage-2 post norms, level norm; then the downsampling of the next stage. */
export class Stage {
  private readonly blocks: InternImageBlock[];

  constructor(private readonly p: ParamsView, private readonly config: InternImageConfig, readonly index: number) {
    const channels = stageChannels(config, index);
    this.blocks = Array.from({ length: config.depths[index]! }, (_, b) =>
      new InternImageBlock(p.child(`blocks.${b}`), config, channels, config.groups[index]!));
  }

  /** The stage output before downsampling (NHWC), as a new tensor. Each block runs in its own tidy scope. */
  forward(x: Tensor): Tensor {
    const { config: c, p } = this;
    const cur = this.runBlocks(x, this.blocks.length);
    if (!hasLevelNorm(c)) return cur;
    const out = ln(p.child('norm.0'), cur);
    cur.dispose();
    return out;
  }

  get depth(): number {
    return this.blocks.length;
  }

  block(b: number): InternImageBlock {
    const block = this.blocks[b];
    if (!block) throw new RangeError(`stage ${this.index} has blocks 0..${this.blocks.length - 1}, not ${b}`);
    return block;
  }

  /** The input of block `count` (the output of blocks 0..count−1 with their post norms), as a new tensor. */
  runBlocks(x: Tensor, count: number): Tensor {
    const { config: c, p, index } = this;
    let cur = reshape(x, [...x.shape]); // an own handle, so every step below can dispose its input uniformly
    this.blocks.slice(0, count).forEach((block, b) => {
      const next = tidy(() => {
        const y = block.forward(cur);
        const k = c.level2PostNormBlockIds.indexOf(b);
        return index === 2 && c.level2PostNorm && k >= 0 ? ln(p.child(`post_norms.${k}.0`), y) : y;
      });
      cur.dispose();
      cur = next;
    });
    return cur;
  }

  /** `levels.i.downsample`: conv 3×3 stride 2 (no bias) and LayerNorm, NHWC → NHWC with 2C channels. */
  downsample(x: Tensor): Tensor {
    return tidy(() => {
      const y = conv2d(x, this.p.get('downsample.conv.weight'), { stride: 2, padding: 1, dataFormat: 'NHWC' });
      return ln(this.p.child('downsample.norm.1'), y);
    });
  }
}
