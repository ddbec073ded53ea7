import test from 'ava';
import ndarray from 'ndarray';
import * as ii from '@internimage/core';
import '@internimage/backend-cpu';

await ii.setBackend('cpu');

test.serial('toNdarray gives a contiguous copy with the tensor shape', async (t) => {
  const x = ii.tensor([[1, 2, 3], [4, 5, 6]]);
  const a = await ii.toNdarray(x);
  t.deepEqual(a.shape, [2, 3]);
  t.is(a.get(1, 2), 6);
  t.true(a.data instanceof Float32Array);
  x.dispose();
});

test.serial('fromNdarray honours strides and offsets of views', async (t) => {
  const base = ndarray(new Float32Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), [3, 4]);
  const view = base.transpose(1, 0).hi(3, 3).lo(1, 1).step(1, -1); // rows 1..2 of the transpose, columns reversed
  const x = ii.fromNdarray(view);
  t.deepEqual([...x.shape], [2, 2]);
  t.deepEqual(await x.array(), [[9, 5], [10, 6]]);
  x.dispose();
});

test.serial('fromNdarray converts element types', (t) => {
  const f64 = ii.fromNdarray(ndarray(new Float64Array([0.5, 1.5]), [2]));
  const u8 = ii.fromNdarray(ndarray(new Uint8Array([200, 7]), [1, 2]));
  const plain = ii.fromNdarray(ndarray([1, 2, 3], [3]));
  t.deepEqual([f64.dtype, u8.dtype, plain.dtype], ['float32', 'int32', 'float32']);
  t.deepEqual(Array.from(u8.dataSync()), [200, 7]);
  t.throws(() => ii.fromNdarray(ndarray(new BigInt64Array(2) as never, [2])), {
    message: /^fromNdarray: argument 'a.data' must be a typed array/,
  });
  t.throws(() => ii.fromNdarray({ shape: [2] } as never), { message: /^fromNdarray: argument 'a' must be an ndarray/ });
  ii.dispose(f64, u8, plain);
});
