import { parseArgs } from 'node:util';
import { dispose, mean, writeSafetensorsFile } from '@internimage/core';
import { createClassifier } from '../classifier.js';
import { MODEL_OPTIONS, MODEL_OPTIONS_USAGE, classifierOptions, describeModel, variantOf } from './model_options.js';
import { UsageError } from './usage_error.js';

export const FEATURES_USAGE = `internimage features <image…> [--weights <file>] [--variant t] [--out <file.safetensors>]

Extracts the four backbone feature maps (stage outputs before downsampling, NCHW, strides 4/8/16/32) of a batch of
images and prints their shapes and mean values; --out saves them as features.0 … features.3.
${MODEL_OPTIONS_USAGE}
  --out <file>       write the feature maps to a safetensors file`;

export async function features(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, options: { ...MODEL_OPTIONS, out: { type: 'string' } },
  });
  if (positionals.length === 0) throw new UsageError('expected at least one image');
  const { options, done } = classifierOptions(values);
  const clf = await createClassifier(options).finally(done);
  try {
    const maps = await clf.features(positionals);
    try {
      console.log(describeModel(clf, variantOf(values)));
      for (const [i, f] of maps.entries()) {
        const m = mean(f);
        console.log(`features.${i}  [${f.shape.join(', ')}]  mean ${(await m.data())[0]!.toFixed(6)}`);
        m.dispose();
      }
      if (values.out) {
        await writeSafetensorsFile(values.out, Object.fromEntries(maps.map((f, i) => [`features.${i}`, f])), {
          images: JSON.stringify(positionals), layout: 'NCHW', weights: clf.weights,
        });
        console.log(`wrote ${values.out}`);
      }
    } finally {
      dispose(...maps);
    }
    return 0;
  } finally {
    clf.dispose();
  }
}
