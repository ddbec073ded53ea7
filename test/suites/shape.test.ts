// Core's index helpers, which every backend's kernels use.
import test from 'ava';
import { bilinearTaps, convOutputSize, imageStrides, lines, walk } from '@internimage/core';

test('walk visits row-major coordinates with one offset per stride set', (t) => {
  const seen: Array<[number, number, number]> = [];
  walk([2, 3], [[3, 1], [1, 2]], (i, [a, b]) => seen.push([i, a!, b!]));
  t.deepEqual(seen, [[0, 0, 0], [1, 1, 2], [2, 2, 4], [3, 3, 1], [4, 4, 3], [5, 5, 5]]);
  let visits = 0;
  walk([2, 0, 3], [[0, 0, 0]], () => visits++);
  walk([], [[]], () => visits++);
  t.is(visits, 1, 'an empty shape visits nothing; a scalar visits once');
});

test('lines, imageStrides, convOutputSize and bilinearTaps', (t) => {
  t.deepEqual(lines([2, 3, 4, 5], 2), { outer: 6, length: 4, inner: 5 });
  t.deepEqual(imageStrides('NCHW', 3, 4, 5), { n: 60, c: 20, h: 5, w: 1 });
  t.deepEqual(imageStrides('NHWC', 3, 4, 5), { n: 60, c: 1, h: 15, w: 3 });
  t.is(convOutputSize(224, 3, 2, 2), 112);
  t.is(convOutputSize(14, 3, 1, 4, 2), 14);
  t.is(convOutputSize(7, 7, 1, 0), 1);
  const half = bilinearTaps(4, 2, 2, false);
  t.deepEqual([[...half.i0], [...half.i1], [...half.lambda]], [[0, 2], [1, 3], [0.5, 0.5]]);
  t.true(half.lambda instanceof Float64Array);
  const corners = bilinearTaps(3, 5, 0.5, true, Float32Array);
  t.deepEqual([[...corners.i0], [...corners.i1], [...corners.lambda]], [[0, 0, 1, 1, 2], [1, 1, 2, 2, 2], [0, 0.5, 0, 0.5, 0]]);
  t.true(corners.lambda instanceof Float32Array);
});
