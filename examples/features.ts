// Backbone features: the four stage outputs (NCHW, strides 4, 8, 16, 32) that detection and segmentation heads use.
// Run: npm run example -- features
import * as ii from '@internimage/core';
import { MNIST_MODEL, createClassifier, mnistDigits } from 'internimage';

const classifier = await createClassifier({ weights: MNIST_MODEL, backend: 'cpu' });
const maps = await classifier.features(mnistDigits().slice(0, 2));
for (const [i, f] of maps.entries()) {
  const energy = ii.tidy(() => ii.mean(ii.abs(f)));
  console.log(`stage ${i}: [${f.shape.join(', ')}]  mean |x| ${(await energy.data())[0]!.toFixed(4)}`);
  energy.dispose();
}
ii.dispose(...maps);
classifier.dispose();
console.log('live tensors:', ii.memory().tensors);
