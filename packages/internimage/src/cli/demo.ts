import { DEFAULT_BACKEND } from '../backends.js';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { MNIST_LABELS, MNIST_MODEL, SAMPLE_PHOTO, mnistDigits } from '../assets.js';
import { createClassifier } from '../classifier.js';
import { findCheckpoint } from '../hub/registry.js';
import { cachedCheckpoint, downloadCommand } from '../hub/resolve.js';
import { classifierOptions, describeModel } from './model_options.js';
import { segmentationDemo } from './segment_demo.js';

export const DEMO_USAGE = `internimage demo [--weights <internimage_t_1k_224>] [--backend <name>]

The main job, on bundled files: classifies MNIST digits with the bundled trained InternImage, then a photo with
InternImage-T: the published internimage_t_1k_224 when it is in the Hugging Face cache (never downloaded by the
demo: 'internimage download internimage_t_1k_224' fetches it), else random weights, labelled as such.
  --weights <w>      InternImage-T weights for the photo (a published name, a file, hf://… or a URL)
  --seg-weights <f>  also segment the photo with UperNet InternImage (upernet_internimage_t_512_160k_ade20k, a file or a name)
  --backend <name>   backend to run on (default wasm; cpu is the reference)`;

export async function demo(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv, options: { weights: { type: 'string' }, 'seg-weights': { type: 'string' }, backend: { type: 'string', default: DEFAULT_BACKEND } },
  });
  const digits = mnistDigits();
  const mnist = await createClassifier({ weights: MNIST_MODEL, labels: MNIST_LABELS, backend: values.backend });
  try {
    console.log(`1. ${describeModel(mnist)}`);
    const results = await mnist.classify(digits, { topK: 1 });
    let correct = 0;
    digits.forEach((path, i) => {
      const truth = /label(\d)/.exec(basename(path))?.[1];
      const best = results[i]![0]!;
      if (best.label === truth) correct++;
      console.log(`   ${basename(path).padEnd(16)} → ${best.label}  (${(best.score * 100).toFixed(1)}%)${best.label === truth ? '' : `  wrong, the digit is ${truth}`}`);
    });
    console.log(`   ${correct}/${digits.length} correct`);
  } finally {
    mnist.dispose();
  }

  const published = findCheckpoint('internimage_t_1k_224')!;
  const weights = values.weights ?? (await cachedCheckpoint(published) ? published.name : undefined);
  const { options, done } = classifierOptions({ weights, variant: 't', backend: values.backend });
  const photo = await createClassifier(options).finally(done);
  try {
    console.log(`2. ${describeModel(photo, 't')}`);
    if (!weights) console.log(`   for real predictions, download the published weights once (~120 MB): ${downloadCommand(published.name)}`);
    console.log(`   classifying ${basename(SAMPLE_PHOTO)} (InternImage-T is ~5 GMAC: under a second on wasm, 15–20 s on the cpu reference backend)…`);
    const top = await photo.classify(SAMPLE_PHOTO, { topK: 5 });
    for (const p of top) console.log(`   ${(p.score * 100).toFixed(2).padStart(6)}%  ${String(p.index).padStart(4)}  ${p.label}`);
  } finally {
    photo.dispose();
  }
  await segmentationDemo(values['seg-weights'], values.backend!);
  return 0;
}
