// Poisoned outputs: a backend may fill each fresh kernel output with a value no kernel writes on purpose, so that an
// element a kernel forgets to write fails a test. Every backend uses these values and the same switch.
import type { DType } from './dtypes.js';

/** NaN for float32; −2³¹ for int32 (indices and counts are never negative, and −1 is a legal value). */
export const POISON: Readonly<Record<DType, number>> = { float32: NaN, int32: -2147483648 };

/** The poison of dtype as the 32-bit pattern a device fill writes (0x7fc00000, 0x80000000). */
export function poisonBits(dtype: DType): number {
  const word = new Float32Array(1);
  if (dtype === 'float32') word[0] = POISON.float32;
  else new Int32Array(word.buffer)[0] = POISON.int32;
  return new Uint32Array(word.buffer)[0]!;
}

/** Reads a backend's poison switch (an environment variable's value): '1' on; unset, '' or '0' off; else an error. */
export function poisonEnabled(variable: string, value: string | undefined): boolean {
  if (value === undefined || value === '' || value === '0') return false;
  if (value === '1') return true;
  throw new Error(`${variable}='${value}': expected 1 (poison kernel outputs) or 0`);
}
