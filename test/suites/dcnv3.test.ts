// The DCNv3 core operator against the official implementation's golden outputs (test/fixtures/internimage,
// dcnv3_core_* cases) and the hand-checkable vectors of docs/internimage.md, on every backend.
import { dcnv3, dispose, readSafetensors, tensor } from '@internimage/core';
import type { DCNv3Options } from '@internimage/core';
import { mismatch } from '../harness/compare.js';
import { readFixtureBytes, readFixtureJson } from '../harness/fixtures.js';
import { backendSuite } from '../harness/suite.js';

interface CoreCase {
  kind: string;
  file: string;
  kernel: number;
  stride: number;
  pad: number;
  dilation: number;
  group: number;
  group_channels: number;
  offset_scale: number;
  remove_center: boolean;
}

const manifest = readFixtureJson<{ cases: CoreCase[] }>('internimage/manifest.json');
const coreCases = manifest.cases.filter((c) => c.kind === 'dcnv3_core');

await backendSuite('DCNv3 golden fixtures', coreCases.map((c) => ({
  name: c.file,
  run: async (t) => {
    const file = readSafetensors(readFixtureBytes(`internimage/${c.file}`));
    const { input, offset, mask } = file.tensors(['input', 'offset', 'mask']);
    const out = dcnv3(input!, offset!, mask!, {
      kernelSize: c.kernel, stride: c.stride, padding: c.pad, dilation: c.dilation, group: c.group,
      groupChannels: c.group_channels, offsetScale: c.offset_scale, removeCenter: c.remove_center,
    });
    try {
      const expected = file.values('output');
      t.deepEqual([...out.shape], expected.shape);
      t.is(mismatch(await out.data(), expected.data, 1e-5), null);
    } finally {
      dispose(out, input, offset, mask);
    }
  },
})));

// One 3×3 image, one channel, G=1, k=3, pad=1; expected values as in docs/internimage.md (4 decimals).
const IMAGE = [1, 2, 3, 4, 5, 6, 7, 8, 9];
const oneHot = (p: number) => Array.from({ length: 9 }, (_, i) => (i === p ? 1 : 0));
const uniform = Array<number>(9).fill(1 / 9);
const vectors: Array<{ name: string; dx: number; dy: number; mask: number[]; scale: number; expected: number[] }> = [
  { name: 'zero offsets, uniform mask, scale 1', dx: 0, dy: 0, mask: uniform, scale: 1,
    expected: [1.3333, 2.3333, 1.7778, 3.0, 5.0, 3.6667, 2.6667, 4.3333, 3.1111] },
  { name: 'zero offsets, uniform mask, scale 2', dx: 0, dy: 0, mask: uniform, scale: 2,
    expected: [2.2222, 1.1111, 2.2222, 1.1111, 0.5556, 1.1111, 2.2222, 1.1111, 2.2222] },
  { name: 'dx 0.5, uniform mask', dx: 0.5, dy: 0, mask: uniform, scale: 1,
    expected: [1.8333, 2.0556, 1.3889, 4.0, 4.3333, 2.8333, 3.5, 3.7222, 2.3889] },
  { name: 'one-hot p=1 samples column -1 (x-outer order)', dx: 0, dy: 0, mask: oneHot(1), scale: 1,
    expected: [0, 1, 2, 0, 4, 5, 0, 7, 8] },
  { name: 'one-hot p=3 samples row -1', dx: 0, dy: 0, mask: oneHot(3), scale: 1,
    expected: [0, 0, 0, 1, 2, 3, 4, 5, 6] },
  { name: 'dx 0.25 dy -0.5, centre point', dx: 0.25, dy: -0.5, mask: oneHot(4), scale: 1,
    expected: [0.625, 1.125, 1.125, 2.75, 3.75, 3.375, 5.75, 6.75, 5.625] },
];

await backendSuite('DCNv3 spec §7.1 vectors', vectors.map((v) => ({
  name: v.name,
  run: async (t) => {
    const value = tensor(IMAGE, [1, 3, 3, 1]);
    const offset = tensor(Array.from({ length: 9 * 18 }, (_, i) => (i % 2 === 0 ? v.dx : v.dy)), [1, 3, 3, 18]);
    const mask = tensor(Array.from({ length: 9 }, () => v.mask).flat(), [1, 3, 3, 9]);
    const options: DCNv3Options = { group: 1, groupChannels: 1, offsetScale: v.scale };
    const out = dcnv3(value, offset, mask, options);
    try {
      const got = Array.from(await out.data());
      got.forEach((g, i) => t.true(Math.abs(g - v.expected[i]!) < 1e-4, `element ${i}: ${g} vs ${v.expected[i]}`));
    } finally {
      dispose(out, value, offset, mask);
    }
  },
})));
