import { parseArgs } from 'node:util';
import { openWeightsFile } from '../checkpoint.js';
import { countParameters } from '../params.js';
import { inferConfig } from '../infer_config.js';
import { shapesOf } from '../load.js';
import { weightsPath } from './model_options.js';
import { isSegmentorLayout } from '../segmentation/infer_config.js';
import { inspectSegmentor } from './segmentor_files.js';
import { UsageError } from './usage_error.js';

export const INSPECT_USAGE = `internimage inspect <file|published name> [--ema] [--json]

Lists the tensors of a .pth or .safetensors file under their canonical names (shape, stored dtype), the config
inferred from their shapes, the matching published variant, and the parameter count. A .pth is read in full and
every entry's CRC-32 checked first; a corrupt entry is an error (exit 2).
  --ema    read the EMA weights ('model_ema') of a training checkpoint
  --json   print one JSON object instead of text`;

const BUFFER = /\.(running_mean|running_var|num_batches_tracked)$/;

export async function inspect(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { ema: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) throw new UsageError(`expected one weights file, got ${positionals.length}`);
  const file = await openWeightsFile(await weightsPath(positionals[0]!), { ema: values.ema });
  try {
    // Storages are otherwise checked only when read: verify them all before reporting anything as fine.
    const verified = file.verify();
    const integrity = verified === null ? 'not checked (safetensors stores no checksums)' : `${verified} entries verified`;
    if (isSegmentorLayout(file.names())) return inspectSegmentor(positionals[0]!, file, values.json!, { verified, integrity });
    const tensors = file.names().map((name) => ({ name, shape: [...file.shapeOf(name)], dtype: file.storageDTypeOf(name) }));
    const parameters = tensors.filter((t) => !BUFFER.test(t.name)).reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
    let inferred: ReturnType<typeof inferConfig> | null = null;
    let layoutError: string | null = null;
    try {
      inferred = inferConfig(shapesOf(file));
    } catch (e) {
      layoutError = (e as Error).message;
    }
    if (values.json) {
      console.log(JSON.stringify({
        file: positionals[0], format: file.format, stateDictKey: file.stateDictKey, verifiedEntries: verified, tensors, parameters,
        variant: inferred?.variant ?? null, config: inferred?.config ?? null, notes: [...file.notes, ...(inferred?.notes ?? [])],
        error: layoutError,
      }));
      return layoutError ? 1 : 0;
    }
    console.log(`${positionals[0]}: ${file.format}, ${tensors.length} tensors${file.stateDictKey ? ` under '${file.stateDictKey}'` : ''}`);
    console.log(`integrity: ${integrity}`);
    for (const n of file.notes) console.log(`  note: ${n}`);
    const width = Math.max(...tensors.map((t) => t.name.length));
    for (const t of tensors) console.log(`  ${t.name.padEnd(width)}  [${t.shape.join(', ')}]  ${t.dtype}`);
    console.log(`parameters: ${parameters.toLocaleString('en')} (BatchNorm buffers excluded)`);
    if (!inferred) {
      console.log(`config: ${layoutError}`);
      return 1;
    }
    console.log(`variant: ${inferred.variant ? `InternImage-${inferred.variant.toUpperCase()}` : 'none of the published ones'}`);
    for (const n of inferred.notes) console.log(`  note: ${n}`);
    console.log(`config: ${JSON.stringify(inferred.config)}`);
    if (countParameters(inferred.config) !== parameters) {
      console.log(`  note: the config accounts for ${countParameters(inferred.config).toLocaleString('en')} parameters`);
    }
    return 0;
  } finally {
    file.close();
  }
}
