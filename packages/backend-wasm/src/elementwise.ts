// Runs an elementwise kernel that takes whole blocks of `blockBytes` over arrays of any length, in place or not,
// without touching memory past either array: whole blocks where they are (split between threads when there are
// many), the remainder through a scratch block.
import { addressOf, heap, withAddress, withScratch } from './heap.js';
import { runParts, splitWork } from './threads.js';
import type { WasmKernel } from './wasm_runtime.js';

/** Blocks per thread below which a call stays on one thread. */
const BLOCKS_PER_THREAD = 256;

/** `name` of `kernel` is (input, output, bytes), bytes a multiple of `blockBytes`. */
export function elementwise(kernel: WasmKernel<unknown>, name: string, blockBytes: number, input: Float32Array, output: Float32Array): void {
  const per = blockBytes / 4;
  const n = input.length;
  const blocks = Math.floor(n / per);
  const main = blocks * per;
  if (blocks > 0) {
    withAddress(input.subarray(0, main), (at) => {
      const out = addressOf(output);
      runParts(kernel, name, splitWork(blocks, BLOCKS_PER_THREAD).map(([b0, nb]) => [at + b0 * blockBytes, out + b0 * blockBytes, nb * blockBytes]));
    });
  }
  if (main === n) return;
  const run = (kernel.exports as Record<string, (input: number, output: number, bytes: number) => void>)[name]!;
  withScratch(2 * blockBytes, (at) => {
    const block = heap().floats(at, 2 * per);
    block.fill(0, 0, per);
    block.set(input.subarray(main), 0);
    run(at, at + blockBytes, blockBytes);
    output.set(block.subarray(per, per + n - main), main);
  });
}
