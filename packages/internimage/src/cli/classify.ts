import { parseArgs } from 'node:util';
import { createClassifier } from '../classifier.js';
import { MODEL_OPTIONS, MODEL_OPTIONS_USAGE, classifierOptions, describeModel, variantOf } from './model_options.js';
import { UsageError } from './usage_error.js';

export const CLASSIFY_USAGE = `internimage classify <image…> [--weights <file>] [--variant t] [--backend <name>] [--top-k 5] [--json]

Classifies PNG/JPEG images (all in one batch) and prints the top-k classes of each, best first.
${MODEL_OPTIONS_USAGE}
  --top-k <k>        how many classes per image (default 5)
  --json             print [{"image", "predictions": [{"index", "label", "score"}]}]`;

export async function classify(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { ...MODEL_OPTIONS, 'top-k': { type: 'string', default: '5' }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length === 0) throw new UsageError('expected at least one image');
  const topK = Number(values['top-k']);
  if (!Number.isInteger(topK) || topK < 1) throw new UsageError(`--top-k must be a positive integer, got '${values['top-k']}'`);
  const { options, done } = classifierOptions(values);
  const clf = await createClassifier(options).finally(done);
  try {
    const results = await clf.classify(positionals, { topK });
    if (values.json) {
      console.log(JSON.stringify(positionals.map((image, i) => ({ image, predictions: results[i] }))));
      return 0;
    }
    console.log(describeModel(clf, variantOf(values)));
    for (const n of clf.notes) console.log(`  note: ${n}`);
    positionals.forEach((image, i) => {
      console.log(image);
      for (const p of results[i]!) console.log(`  ${(p.score * 100).toFixed(2).padStart(6)}%  ${String(p.index).padStart(4)}  ${p.label}`);
    });
    return 0;
  } finally {
    clf.dispose();
  }
}
