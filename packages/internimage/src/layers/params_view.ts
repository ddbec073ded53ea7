import type { Tensor } from '@internimage/core';

/** Read access to a model's weights under a name prefix, e.g. `levels.0.blocks.1.` */
export class ParamsView {
  constructor(private readonly weights: ReadonlyMap<string, Tensor>, readonly prefix = '') {}

  get(name: string): Tensor {
    const t = this.weights.get(this.prefix + name);
    if (!t) throw new Error(`weight '${this.prefix + name}' is not loaded`);
    return t;
  }

  has(name: string): boolean {
    return this.weights.has(this.prefix + name);
  }

  /** The view of a sub-module. */
  child(name: string): ParamsView {
    return new ParamsView(this.weights, `${this.prefix}${name}.`);
  }
}
