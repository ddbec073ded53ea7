// onnxruntime-node as a peer in the op benchmarks: one session per op, one thread, all graph optimisations.
import type { Attribute, Initializer } from './onnx_models.js';
import { singleOpModel } from './onnx_models.js';

export interface OrtOp {
  run: () => Promise<void>;
  release: () => Promise<void>;
}

type Ort = typeof import('onnxruntime-node');
let ort: Ort | null | undefined;
let unavailable = '';

/** onnxruntime-node, or null with the reason in `ortUnavailable()` when it cannot load here. */
export async function loadOrt(): Promise<Ort | null> {
  if (ort !== undefined) return ort;
  try {
    ort = await import('onnxruntime-node');
  } catch (e) {
    unavailable = (e as Error).message;
    ort = null;
  }
  return ort;
}

export const ortUnavailable = () => unavailable;

export async function ortOp(opType: string, input: { dims: number[]; data: Float32Array }, output: number[],
  initializers: Initializer[] = [], attributes: Attribute[] = []): Promise<OrtOp | null> {
  const rt = await loadOrt();
  if (!rt) return null;
  const bytes = singleOpModel(opType, { name: 'x', dims: input.dims }, output, initializers, attributes);
  const session = await rt.InferenceSession.create(bytes, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  const feeds = { x: new rt.Tensor('float32', input.data, input.dims) };
  return {
    run: async () => {
      await session.run(feeds);
    },
    release: () => session.release(),
  };
}
