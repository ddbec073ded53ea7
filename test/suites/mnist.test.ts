// A real InternImage trained with the official code (MNIST digits): its .pth loads, and from the stored pixels
// through the official preprocessing it reproduces the official logits of the 1000 reference digits and their
// recorded accuracy, on every backend.
import { readFileSync } from 'node:fs';
import * as ii from '@internimage/core';
import { MNIST_MODEL, configFromOfficial, loadModel, preprocess } from 'internimage';
import { fixturePath, readFixtureBytes } from '../harness/fixtures.js';
import { backendSuite } from '../harness/suite.js';

const meta = JSON.parse(readFileSync(fixturePath('mnist/meta.json'), 'utf8')) as {
  config: Record<string, unknown>; img_size: number; test_accuracy_first_1000: number;
};
const reference = ii.readSafetensors(readFixtureBytes('mnist/mnist_test_reference.safetensors'));
const BATCH = 250;

await backendSuite('MNIST InternImage', [{
  name: 'the .pth reproduces the official logits and accuracy of 1000 digits',
  run: async (t) => {
    const { model, notes } = await loadModel(MNIST_MODEL, { config: configFromOfficial(meta.config) });
    t.log(notes.join('; '));
    const pixels = reference.values('pixels');
    const labels = reference.values('labels').data;
    const expected = reference.values('logits').data;
    const [count, h, w] = pixels.shape as [number, number, number];
    const size = meta.img_size;
    const logits = new Float32Array(count * 10);
    try {
      for (let start = 0; start < count; start += BATCH) {
        const n = Math.min(BATCH, count - start);
        const batch = new Float32Array(n * 3 * size * size);
        for (let i = 0; i < n; i++) {
          const digit = Uint8Array.from(pixels.data.subarray((start + i) * h * w, (start + i + 1) * h * w));
          batch.set(preprocess({ data: digit, width: w, height: h, channels: 1 }, size), i * 3 * size * size);
        }
        const x = ii.tensor(batch, [n, 3, size, size]);
        const y = model.classify(x);
        logits.set(await y.data(), start * 10);
        ii.dispose(x, y);
      }
    } finally {
      model.dispose();
    }
    const err = ii.relativeL2Error(logits, expected);
    t.true(err <= 1e-4, `relative L2 error ${err}`);
    let correct = 0;
    let agree = 0;
    for (let i = 0; i < count; i++) {
      const row = Array.from(logits.subarray(i * 10, i * 10 + 10));
      const ref = Array.from(expected.subarray(i * 10, i * 10 + 10));
      const pred = row.indexOf(Math.max(...row));
      if (pred === labels[i]) correct++;
      if (pred === ref.indexOf(Math.max(...ref))) agree++;
    }
    t.is(agree, count, 'every prediction equals the official model\'s');
    t.is(correct / count, meta.test_accuracy_first_1000);
  },
}]);
