// The op cases of test/fixtures/op_cases.json (expected values from PyTorch in float64) and the one way to run a
// case: inputs made on the active backend, the op called by its exported name, shape, dtype and values checked.
import * as core from '@internimage/core';
import type { Tensor } from '@internimage/core';
import type { ExecutionContext } from 'ava';
import { mismatch } from './compare.js';
import { readFixtureJson } from './fixtures.js';

interface Values {
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Array<number | string>;
}

export interface OpCase {
  name: string;
  op: string;
  args: unknown[];
  inputs: Record<string, Values>;
  expected: Values;
  tolerance: number;
}

/** Values as numbers ('NaN', 'Infinity' and '-Infinity' are stored as strings in JSON). */
const numbers = (v: Values) => v.values.map(Number);

/** Replaces every {"$t": id} in args with the tensor made from inputs[id]. */
function resolveArgs(args: unknown, tensors: Record<string, Tensor>): unknown {
  if (Array.isArray(args)) return args.map((a) => resolveArgs(a, tensors));
  if (args !== null && typeof args === 'object') {
    if ('$t' in args) return tensors[(args as { $t: string }).$t];
    return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, resolveArgs(v, tensors)]));
  }
  return args;
}

export function readOpCases(): OpCase[] {
  return readFixtureJson<{ cases: OpCase[] }>('op_cases.json').cases;
}

/** Runs one case on the active backend and asserts its result; disposes everything it created. */
export async function runOpCase(t: ExecutionContext, c: OpCase): Promise<void> {
  const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, core.tensor(numbers(v), v.shape, v.dtype)]));
  try {
    const fn = (core as unknown as Record<string, (...a: unknown[]) => Tensor>)[c.op];
    if (typeof fn !== 'function') throw new Error(`op '${c.op}' is not exported by @internimage/core`);
    const out = fn(...(resolveArgs(c.args, inputs) as unknown[]));
    try {
      t.deepEqual([...out.shape], c.expected.shape, 'shape');
      t.is(out.dtype, c.expected.dtype, 'dtype');
      const tolerance = c.expected.dtype === 'int32' ? 0 : c.tolerance;
      t.is(mismatch(await out.data(), numbers(c.expected), tolerance), null);
    } finally {
      out.dispose();
    }
  } finally {
    core.dispose(...Object.values(inputs));
  }
}
