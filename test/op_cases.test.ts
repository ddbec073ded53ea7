// Op cases as data (test/fixtures/op_cases.json, expected values from PyTorch in float64), on every backend.
import * as core from '@internimage/core';
import type { Tensor } from '@internimage/core';
import { mismatch } from './harness/compare.js';
import { readFixtureJson } from './harness/fixtures.js';
import { backendSuite } from './harness/suite.js';

interface Values {
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Array<number | string>;
}

interface OpCase {
  name: string;
  op: string;
  args: unknown[];
  inputs: Record<string, Values>;
  expected: Values;
  tolerance: number;
}

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

const { cases } = readFixtureJson<{ cases: OpCase[] }>('op_cases.json');

await backendSuite('op cases', cases.map((c) => ({
  name: `${c.op}: ${c.name}`,
  run: async (t) => {
    const inputs = Object.fromEntries(
      Object.entries(c.inputs).map(([k, v]) => [k, core.tensor(numbers(v), v.shape, v.dtype)]),
    );
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
      core.dispose(...Object.values(inputs));
    }
  },
})));
