// Runs an elementwise kernel that takes whole blocks of `blockBytes` over arrays of any length, in place or not,
// without touching memory past either array: whole blocks where they are, the remainder through a scratch block.
import { addressOf, heap, withAddress, withScratch } from './heap.js';

type Blocks = (input: number, output: number, bytes: number) => void;

export function elementwise(kernel: Blocks, blockBytes: number, input: Float32Array, output: Float32Array): void {
  const per = blockBytes / 4;
  const n = input.length;
  const main = n - (n % per);
  if (main > 0) withAddress(input.subarray(0, main), (at) => kernel(at, addressOf(output), main * 4));
  if (main === n) return;
  withScratch(2 * blockBytes, (at) => {
    const block = heap().floats(at, 2 * per);
    block.fill(0, 0, per);
    block.set(input.subarray(main), 0);
    kernel(at, at + blockBytes, blockBytes);
    output.set(block.subarray(per, per + n - main), main);
  });
}
