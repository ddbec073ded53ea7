import type { TensorInfo } from '@internimage/core';
import { broadcastStrides, walk } from '@internimage/core';

/**
 * For a batched matrix product, visits every output batch index with the element offsets of the matching a and b
 * matrices (batch axes broadcast). Kernels of every typed-array backend share this walk.
 */
export function forEachMatrixPair(
  a: TensorInfo, b: TensorInfo, outShape: readonly number[], visit: (batch: number, offsetA: number, offsetB: number) => void,
): void {
  const batchShape = outShape.slice(0, -2);
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  const aBatch = broadcastStrides(a.shape.slice(0, -2), batchShape).map((s) => s * ar * ac);
  const bBatch = broadcastStrides(b.shape.slice(0, -2), batchShape).map((s) => s * br * bc);
  walk(batchShape, [aBatch, bBatch], (bi, [oa, ob]) => visit(bi, oa!, ob!));
}
