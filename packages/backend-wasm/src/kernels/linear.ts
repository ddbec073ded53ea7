import type { WasmBackend } from '../wasm_backend.js';
import { wasmKernel } from '../wasm_backend.js';
import type { TensorInfo } from '@internimage/core';
import type { PackedB } from '../gemm.js';
import { gemm, packTransposed, packTransposedAt, packedBytes, unpackTransposed } from '../gemm.js';
import { heap, withScratch } from '../heap.js';
import { packedFor } from '../weights_cache.js';

export const linearConfig = wasmKernel('Linear', ({ inputs: { x, weight, bias }, attrs: { activation } }, be) => {
  const [outF, inF] = weight.shape as [number, number];
  const rows = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const { info, out } = be.allocFloat([...x.shape.slice(0, -1), outF]);
  const w = packedFor(weight.dataId, `linear ${outF}x${inF}`, () => packWeight(be, weight, outF, inF));
  gemm(be.floats(x), w, out, rows, outF, inF, bias ? be.floats(bias) : undefined, activation);
  return info;
});

/**
 * The weight's packed form becomes the weight buffer's storage (rewritten in place when it fits the buffer's heap
 * block, as it does whenever out is a multiple of 16): the model's linear weights are not held twice. Reads of the
 * weight's values unpack it. A buffer packed once already (read as another shape) gets a packed copy of its own.
 */
function packWeight(be: WasmBackend, weight: TensorInfo, outF: number, inF: number): PackedB {
  const values = be.floats(weight);
  if (be.relaidBuffer(weight.dataId) || !heap().holds(values)) return packTransposed(values, outF, inF);
  const bytes = packedBytes(inF, outF);
  const inPlace = bytes <= Math.max(64, Math.ceil(values.byteLength / 64) * 64);
  const packed = inPlace
    ? withScratch(values.byteLength, (at) => {
      const copy = heap().floats(at, values.length);
      copy.set(values);
      return packTransposedAt(values.byteOffset, copy, outF, inF);
    })
    : packTransposedAt(heap().alloc(bytes), values, outF, inF);
  be.relayout(weight.dataId, packed.data, () => unpackTransposed(packed), inPlace);
  return packed;
}
