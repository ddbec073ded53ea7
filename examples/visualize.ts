// Where does a DCNv3 block look? Draw its sampling points for a few pixels of a digit, with the bundled MNIST model.
// Run: npm run example -- visualize   (writes sampling-points.png in the system's temp folder)
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MNIST_MODEL, createClassifier, encodePng, mnistDigits, visualizeSampling } from 'internimage';

const classifier = await createClassifier({ weights: MNIST_MODEL, backend: 'cpu' });
const { picture, points } = await visualizeSampling(classifier, mnistDigits()[0]!, { stage: 1, block: 0, at: [[16, 8], [10, 22]] });
const out = join(tmpdir(), 'sampling-points.png');
writeFileSync(out, encodePng(picture));
const strongest = [...points].sort((a, b) => b.weight - a.weight)[0]!;
console.log(`${points.length} sampling points; the strongest samples (${strongest.x.toFixed(1)}, ${strongest.y.toFixed(1)}) with weight ${strongest.weight.toFixed(3)}`);
console.log(`wrote ${out} (${picture.width}×${picture.height})`);
classifier.dispose();
