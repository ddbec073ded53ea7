// CudaGraph: a function of one tensor (e.g. a model's forward pass) recorded once as a CUDA graph and replayed with
// a single launch. At batch 1 the forward pass is bound by the host issuing hundreds of small launches; the graph
// replays them from the GPU's side.
//
// How: the function runs once eagerly (filling caches, e.g. packed weights), then once under stream capture on a
// fixed input buffer, copying its result into a fixed output buffer. Everything it allocates in between belongs
// to the graph. run(x) copies x into the input buffer, launches the graph and copies the output into a fresh tensor.
// The function must only enqueue device work (no reads of tensor data) and take the same path for every input.
import type { DType, Tensor } from '@internimage/core';
import { engine, shapesEqual, sizeOf, tidy, zeros } from '@internimage/core';
import { CudaBackend } from './cuda_backend.js';

function contiguousCopy(be: CudaBackend, op: string, from: Tensor, to: Tensor): void {
  const n = sizeOf(from.shape);
  if (n > 0) be.device.copy(op, be.ptr(from), be.ptr(to), 0, 0, [n], [1], [1]);
}

export class CudaGraph {
  private disposed = false;

  private constructor(
    private readonly be: CudaBackend,
    private readonly graph: number,
    private readonly input: Tensor,
    private readonly output: Tensor,
  ) {}

  /** Records fn on a float32 input of inputShape; the 'cuda' backend must be active. */
  static capture(fn: (input: Tensor) => Tensor, inputShape: readonly number[], dtype: DType = 'float32'): CudaGraph {
    const be = engine.backend;
    if (!(be instanceof CudaBackend)) {
      throw new Error(`CudaGraph.capture: the active backend is '${be.name}', expected 'cuda' (await setBackend('cuda'))`);
    }
    const input = engine.keep(zeros(inputShape, dtype));
    let output: Tensor | undefined;
    try {
      const first = tidy(() => fn(input));
      output = engine.keep(tidy(() => zeros(first.shape, first.dtype)));
      first.dispose();
      const out = output;
      const buffersBefore = be.memory().buffers;
      be.device.captureBegin('CudaGraph.capture');
      let graph: number;
      try {
        tidy(() => {
          const y = fn(input);
          if (!shapesEqual(y.shape, out.shape) || y.dtype !== out.dtype) {
            throw new Error(`CudaGraph.capture: fn returned ${y.dtype} [${y.shape}] on the second call, [${out.shape}] on the first`);
          }
          contiguousCopy(be, 'CudaGraph.capture', y, out);
        });
        const leaked = be.memory().buffers - buffersBefore;
        if (leaked !== 0) throw new Error(`CudaGraph.capture: fn left ${leaked} tensors undisposed (keep() inside it?)`);
        graph = be.device.captureEnd('CudaGraph.capture');
      } catch (e) {
        be.device.captureAbort();
        throw e;
      }
      return new CudaGraph(be, graph, input, output);
    } catch (e) {
      input.dispose();
      output?.dispose();
      throw e;
    }
  }

  get inputShape(): readonly number[] {
    return this.input.shape;
  }

  get outputShape(): readonly number[] {
    return this.output.shape;
  }

  /** fn(x), replayed: x must have the captured shape and dtype and live on the cuda backend. */
  run(x: Tensor): Tensor {
    if (this.disposed) throw new Error('CudaGraph.run: the graph was disposed');
    x.assertLive('CudaGraph.run input');
    if (x.backend !== this.be) throw new Error(`CudaGraph.run: input lives on backend '${x.backend.name}', expected 'cuda'`);
    if (!shapesEqual(x.shape, this.input.shape) || x.dtype !== this.input.dtype) {
      throw new Error(
        `CudaGraph.run: input is ${x.dtype} [${x.shape}], the graph was captured for ${this.input.dtype} [${this.input.shape}]`,
      );
    }
    contiguousCopy(this.be, 'CudaGraph.run', x, this.input);
    this.be.device.graphLaunch('CudaGraph.run', this.graph);
    const info = this.be.run('CudaGraph.run', () => {
      const out = this.be.alloc(this.output.shape, this.output.dtype, 'CudaGraph.run');
      const n = sizeOf(this.output.shape);
      if (n > 0) this.be.device.copy('CudaGraph.run', this.be.ptr(this.output), out.ptr, 0, 0, [n], [1], [1]);
      return out.info;
    });
    return engine.track(info, this.be);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.be.device.graphDestroy(this.graph);
    this.input.dispose();
    this.output.dispose();
  }
}
