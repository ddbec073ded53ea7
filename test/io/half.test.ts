import test from 'ava';
import { bfloat16ToFloat32, float16ToFloat32, float32ToBfloat16, float32ToFloat16 } from '@internimage/core';

test('every float16 bit pattern survives decode and re-encode', (t) => {
  let bad = 0;
  for (let h = 0; h < 0x10000; h++) {
    const v = float16ToFloat32(h);
    const back = float32ToFloat16(v);
    if (Number.isNaN(v) ? (back & 0x7c00) !== 0x7c00 || (back & 0x3ff) === 0 : back !== h) bad++;
  }
  t.is(bad, 0);
});

test('float16 decodes known values (limits, subnormals, infinities)', (t) => {
  t.deepEqual(
    [0x7bff, 0x0001, 0x0400, 0x3c00, 0xc000, 0x7c00, 0xfc00, 0x8000].map(float16ToFloat32),
    [65504, 2 ** -24, 2 ** -14, 1, -2, Infinity, -Infinity, -0],
  );
});

test('float16 encoding rounds to nearest even and overflows to infinity', (t) => {
  t.is(float32ToFloat16(1 + 2 ** -11), 0x3c00, 'halfway rounds to even (down)');
  t.is(float32ToFloat16(1 + 3 * 2 ** -11), 0x3c02, 'halfway rounds to even (up)');
  t.is(float32ToFloat16(65520), 0x7c00);
  t.is(float32ToFloat16(2 ** -25), 0, 'half the smallest subnormal rounds to zero (even)');
  t.is(float32ToFloat16(3 * 2 ** -26), 0x0001);
});

test('every bfloat16 bit pattern survives decode and re-encode', (t) => {
  let bad = 0;
  for (let b = 0; b < 0x10000; b++) {
    const v = bfloat16ToFloat32(b);
    if (!Number.isNaN(v) && float32ToBfloat16(v) !== b) bad++;
  }
  t.is(bad, 0);
  t.is(float32ToBfloat16(1 + 2 ** -8), 0x3f80, 'halfway rounds to even');
});
