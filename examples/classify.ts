// Classify images with a trained InternImage (the bundled MNIST model): create once, classify, dispose.
// Run: npm run example -- classify
import { basename } from 'node:path';
import { MNIST_LABELS, MNIST_MODEL, createClassifier, mnistDigits } from 'internimage';

const classifier = await createClassifier({ weights: MNIST_MODEL, labels: MNIST_LABELS, backend: 'cpu' });
const digits = mnistDigits();
const results = await classifier.classify(digits, { topK: 3 }); // one batch
digits.forEach((path, i) => {
  const [best, ...rest] = results[i]!;
  console.log(`${basename(path)}: ${best!.label} (${(best!.score * 100).toFixed(1)}%), then ${rest.map((p) => p.label).join(', ')}`);
});
classifier.dispose();
