import type { Backend, DataId, TensorInfo } from './backend.js';
import type { DType, TypedArray } from './dtypes.js';
import { fmtShape } from './errors.js';
import { sizeOf } from './shape.js';

/** What a tensor reports its disposal to: the engine, which hands itself to every tensor it creates. */
export interface TensorTracker {
  disposeTensor(t: Tensor): void;
}

/**
 * An immutable handle to data resident on one backend. Create tensors with the functions of `creation.ts`
 * and ops; read them with `await t.data()`; free them with `dispose()`, `using`, or `tidy()`.
 */
export class Tensor implements TensorInfo {
  readonly shape: readonly number[];
  readonly size: number;
  /** True once disposed (set by the engine only). */
  isDisposed = false;
  /** @internal set by keep() */
  kept = false;

  /** @internal tensors are created by the engine, never directly */
  constructor(
    readonly dataId: DataId,
    shape: readonly number[],
    readonly dtype: DType,
    readonly backend: Backend,
    readonly id: number,
    private readonly tracker: TensorTracker,
  ) {
    this.shape = Object.freeze([...shape]);
    this.size = sizeOf(shape);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** A copy of the values, row-major. */
  async data(): Promise<TypedArray> {
    this.assertLive('data');
    const values = await this.backend.read(this.dataId);
    return values.slice();
  }

  /** Synchronous read; throws on backends that can only read asynchronously. */
  dataSync(): TypedArray {
    this.assertLive('dataSync');
    if (!this.backend.readSync) {
      throw new Error(`dataSync: backend '${this.backend.name}' reads asynchronously only; use 'await tensor.data()'`);
    }
    return this.backend.readSync(this.dataId).slice();
  }

  /** Nested arrays, for display and tests. */
  async array(): Promise<unknown> {
    return nest(Array.from(await this.data()), this.shape);
  }

  dispose(): void {
    this.tracker.disposeTensor(this);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  toString(): string {
    return `Tensor(${fmtShape(this.shape)}, ${this.dtype}, ${this.backend.name}${this.isDisposed ? ', disposed' : ''})`;
  }

  /** @internal */
  assertLive(what: string): void {
    if (this.isDisposed) throw new Error(`${what}: tensor ${fmtShape(this.shape)} ${this.dtype} has been disposed`);
  }
}

function nest(flat: number[], shape: readonly number[]): unknown {
  if (shape.length === 0) return flat[0];
  const [n, ...rest] = shape as [number, ...number[]];
  const step = sizeOf(rest);
  return Array.from({ length: n }, (_, i) => nest(flat.slice(i * step, (i + 1) * step), rest));
}
