// PNG decoding (fast-png, the same in Node and in a page) expands every colour type and bit depth to 8-bit RGBA the
// way the previous decoder (pngjs) and PIL's convert('RGB') do: gray replicated, palette looked up, samples of other
// depths scaled as floor(v · 255 / max + 0.5), and a tRNS colour making its pixels transparent black.
import test from 'ava';
import { encode } from 'fast-png';
import { decodeImage } from 'internimage';

const W = 5;
const H = 3;
const scale = (v: number, depth: number) => Math.floor((v * 255) / (2 ** depth - 1) + 0.5);

/** Packs `depth`-bit samples MSB first, each row starting on a byte. */
function pack(samples: number[], perRow: number, depth: number): Uint8Array {
  const rowBytes = Math.ceil((perRow * depth) / 8);
  const out = new Uint8Array(rowBytes * (samples.length / perRow));
  samples.forEach((v, i) => {
    const row = Math.floor(i / perRow);
    const bit = (i % perRow) * depth;
    out[row * rowBytes + (bit >> 3)]! |= v << (8 - depth - (bit & 7));
  });
  return out;
}

test('16-bit RGB scales to 8 bits; alpha is opaque', async (t) => {
  const data = Uint16Array.from({ length: W * H * 3 }, (_, i) => (i * 4099) % 65536);
  const img = await decodeImage(encode({ width: W, height: H, data, depth: 16, channels: 3 }));
  t.deepEqual([img.width, img.height, img.channels], [W, H, 4]);
  const expected = Array.from({ length: W * H }, (_, p) => [...[0, 1, 2].map((c) => scale(data[p * 3 + c]!, 16)), 255]).flat();
  t.deepEqual(Array.from(img.data), expected);
});

test('8-bit gray and gray+alpha are replicated to RGB', async (t) => {
  const gray = Uint8Array.from({ length: W * H }, (_, i) => i * 17);
  const g = await decodeImage(encode({ width: W, height: H, data: gray, depth: 8, channels: 1 }));
  t.deepEqual(Array.from(g.data), Array.from(gray).flatMap((v) => [v, v, v, 255]));
  const ga = Uint8Array.from({ length: W * H * 2 }, (_, i) => (i * 29) % 256);
  const a = await decodeImage(encode({ width: W, height: H, data: ga, depth: 8, channels: 2 }));
  t.deepEqual(Array.from(a.data), Array.from({ length: W * H }, (_, p) => [ga[2 * p]!, ga[2 * p]!, ga[2 * p]!, ga[2 * p + 1]!]).flat());
});

for (const depth of [1, 2, 4] as const) {
  test(`${depth}-bit gray scales to 8 bits (rows padded to whole bytes)`, async (t) => {
    const samples = Array.from({ length: W * H }, (_, i) => (i * 3) % 2 ** depth);
    const img = await decodeImage(encode({ width: W, height: H, data: pack(samples, W, depth), depth, channels: 1 }));
    t.deepEqual(Array.from(img.data), samples.flatMap((v) => [scale(v, depth), scale(v, depth), scale(v, depth), 255]));
  });
}

test('palette images are looked up, with alpha from tRNS', async (t) => {
  // Translucent entries first: fast-png's encoder writes tRNS as the alphas of the non-opaque entries, in order.
  const palette = [[40, 50, 60, 0], [70, 80, 90, 128], [10, 20, 30, 255], [255, 0, 255, 255]];
  const indices = Array.from({ length: W * H }, (_, i) => i % 4);
  const img = await decodeImage(encode({ width: W, height: H, data: pack(indices, W, 2), depth: 2, channels: 1, palette }));
  t.deepEqual(Array.from(img.data), indices.flatMap((i) => palette[i]!));
});
