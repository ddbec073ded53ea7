import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { sizeOf, streamSafetensorsFile } from '@internimage/core';
import { openWeightsFile } from '../checkpoint.js';
import type { InternImageConfig } from '../config.js';
import { variantConfig } from '../config.js';
import { inferConfig } from '../infer_config.js';
import { imageSizeFromName, shapesOf } from '../load.js';
import { parameterSpecs } from '../params.js';
import { checkWeights } from '../weights.js';
import { weightsPath } from './model_options.js';
import { byteProgress } from './progress.js';
import { isSegmentorLayout } from '../segmentation/infer_config.js';
import { convertSegmentor } from './segmentor_files.js';
import { UsageError } from './usage_error.js';

export const CONVERT_USAGE = `internimage convert <in.pth|in.safetensors|published name> <out.safetensors> [--variant <t|s|b|l|xl|h|g>] [--ema]

Writes the state_dict under canonical names, each tensor in its stored dtype (bit-identical), with the model config
in the file's metadata ('internimage_config'): the given variant's, or the one inferred from the shapes.
  --variant <v>  record this published config instead of the inferred one (shapes must match it)
  --ema          convert the EMA weights ('model_ema') of a training checkpoint`;

export async function convert(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { variant: { type: 'string' }, ema: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 2) throw new UsageError(`expected an input and an output file, got ${positionals.length} paths`);
  const [spec, output] = positionals as [string, string];
  const input = await weightsPath(spec);
  const file = await openWeightsFile(input, { ema: values.ema });
  try {
    if (isSegmentorLayout(file.names())) {
      convertSegmentor(input, output, file, values.variant);
      return 0;
    }
    const inferred = inferConfig(shapesOf(file));
    const size = imageSizeFromName(input);
    const config: InternImageConfig = values.variant
      ? variantConfig(values.variant)
      : { ...inferred.config, imgSize: size ?? inferred.config.imgSize };
    checkWeights(parameterSpecs(config), file);
    for (const n of [...file.notes, ...(values.variant ? [] : inferred.notes)]) console.error(`note: ${n}`);
    const progress = byteProgress('converting');
    try {
      streamSafetensorsFile(output, file.names().map((name) => {
        const shape = [...file.shapeOf(name)];
        const dtype = file.storageDTypeOf(name) as never;
        const elements = sizeOf(shape);
        const width = { float32: 4, int32: 4, float16: 2, bfloat16: 2, float64: 8, int64: 8, uint8: 1 }[dtype as string];
        if (width === undefined) throw new Error(`tensor '${name}' is stored as ${String(dtype)}, which safetensors output does not support here`);
        return { name, dtype, shape, byteLength: elements * width, read: () => file.rawBytes(name).bytes };
      }), { format: 'pt', source: basename(input), internimage_config: JSON.stringify(config) }, progress.update);
    } finally {
      progress.stop();
    }
    console.log(`wrote ${output}: ${file.names().length} tensors${inferred.variant ? ` (InternImage-${inferred.variant.toUpperCase()})` : ''}`);
    return 0;
  } finally {
    file.close();
  }
}
