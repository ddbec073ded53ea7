import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createClassifier } from '../classifier.js';
import { encodePng } from '../image/draw.js';
import { visualizeSampling } from '../visualize.js';
import { MODEL_OPTIONS, MODEL_OPTIONS_USAGE, classifierOptions, describeModel, variantOf } from './model_options.js';
import { UsageError } from './usage_error.js';

export const VISUALIZE_USAGE = `internimage visualize <image> --out <file.png> [--stage 1] [--block 0] [--group <g>] [--at x,y …]

Draws where one DCNv3 block samples (offset-shifted 3×3 points, disc size = mask weight, one colour per group) for
chosen pixels, over the preprocessed image: the deformable receptive field as a picture. Also prints the points.
${MODEL_OPTIONS_USAGE}
  --stage <s>        stage 0..3 (default 1)
  --block <b>        block within the stage (default 0)
  --group <g>        one group (default: all)
  --at <x,y>         a query pixel of the preprocessed image; repeatable (default: the centre)
  --scale <k>        enlarge the picture k times (default: to about 512 pixels)
  --out <file.png>   where to write the picture (required)`;

const int = (v: string | undefined, name: string) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got '${v}'`);
  return n;
};

export async function visualize(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      ...MODEL_OPTIONS, out: { type: 'string' }, stage: { type: 'string' }, block: { type: 'string' },
      group: { type: 'string' }, at: { type: 'string', multiple: true }, scale: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`expected one image, got ${positionals.length}`);
  if (!values.out) throw new UsageError('--out <file.png> is required');
  const at = values.at?.map((s): [number, number] => {
    const m = /^(\d+),(\d+)$/.exec(s);
    if (!m) throw new UsageError(`--at takes x,y pixel coordinates, got '${s}'`);
    return [Number(m[1]), Number(m[2])];
  });
  const { options, done } = classifierOptions(values);
  const clf = await createClassifier(options).finally(done);
  try {
    const { picture, points } = await visualizeSampling(clf, positionals[0]!, {
      stage: int(values.stage, 'stage'), block: int(values.block, 'block'), group: int(values.group, 'group'), at,
      scale: int(values.scale, 'scale'),
    });
    writeFileSync(values.out, encodePng(picture));
    console.log(describeModel(clf, variantOf(values)));
    for (const p of points) {
      console.log(`at ${p.at.join(',')} group ${p.group} point ${p.point}: (${p.x.toFixed(2)}, ${p.y.toFixed(2)}) weight ${p.weight.toFixed(4)}`);
    }
    console.log(`wrote ${values.out} (${picture.width}×${picture.height})`);
    return 0;
  } finally {
    clf.dispose();
  }
}
