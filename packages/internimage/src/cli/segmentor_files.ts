// inspect and convert for segmentation checkpoints (an InternImage backbone with UperNet heads).
import { basename } from 'node:path';
import { streamSafetensorsFile } from '@internimage/core';
import type { WeightsFile } from '../checkpoint.js';
import { shapesOf } from '../load.js';
import type { SegmentorConfig, SegmentorConfigInput } from '../segmentation/config.js';
import { segVariantConfig, validateSegmentorConfig } from '../segmentation/config.js';
import { inferSegmentorConfig } from '../segmentation/infer_config.js';
import { readSegmentationMeta } from '../segmentation/meta.js';
import { countSegmentorParameters, segmentorSpecs } from '../segmentation/params.js';
import { checkWeights } from '../weights.js';
import { byteProgress } from './progress.js';

const BUFFER = /\.(running_mean|running_var|num_batches_tracked)$/;
const WIDTH: Record<string, number> = { float32: 4, int32: 4, float16: 2, bfloat16: 2, float64: 8, int64: 8, uint8: 1 };

/** Prints (or returns as JSON) what a segmentation checkpoint holds; returns the exit code. */
/** `check`: the CRC-32 verification inspect ran first (entries verified, null for safetensors) and its wording. */
export function inspectSegmentor(path: string, file: WeightsFile, json: boolean, check: { verified: number | null; integrity: string }): number {
  const tensors = file.names().map((name) => ({ name, shape: [...file.shapeOf(name)], dtype: file.storageDTypeOf(name) }));
  const parameters = tensors.filter((t) => !BUFFER.test(t.name)).reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
  const meta = readSegmentationMeta(path, file);
  const inferred = inferSegmentorConfig(shapesOf(file), meta);
  if (meta.segmentorConfig) {
    inferred.config = validateSegmentorConfig(JSON.parse(meta.segmentorConfig) as SegmentorConfigInput);
    inferred.notes = ["config read from the file's metadata (internimage_segmentor)"];
  }
  const classes = meta.classes ? `${meta.classes.length} classes recorded (${meta.classes.slice(0, 5).join(', ')}${meta.classes.length > 5 ? ', …' : ''})` : 'no class names recorded';
  if (json) {
    console.log(JSON.stringify({
      file: path, format: file.format, stateDictKey: file.stateDictKey, verifiedEntries: check.verified, task: 'segmentation', tensors, parameters,
      variant: inferred.variant, config: inferred.config, classes: meta.classes, palette: meta.palette, test: meta.test,
      notes: [...file.notes, ...inferred.notes], error: null,
    }));
    return 0;
  }
  console.log(`${path}: ${file.format}, ${tensors.length} tensors${file.stateDictKey ? ` under '${file.stateDictKey}'` : ''}, a segmentation model (UperNet)`);
  console.log(`integrity: ${check.integrity}`);
  for (const n of file.notes) console.log(`  note: ${n}`);
  const width = Math.max(...tensors.map((t) => t.name.length));
  for (const t of tensors) console.log(`  ${t.name.padEnd(width)}  [${t.shape.join(', ')}]  ${t.dtype}`);
  console.log(`parameters: ${parameters.toLocaleString('en')} (BatchNorm buffers excluded; the auxiliary head included)`);
  console.log(`variant: ${inferred.variant ? `UperNet InternImage-${inferred.variant.toUpperCase()}` : 'none of the published ones'}`);
  for (const n of inferred.notes) console.log(`  note: ${n}`);
  console.log(`classes: ${classes}`);
  if (meta.test) console.log(`test mode recorded: ${JSON.stringify(meta.test)}`);
  console.log(`config: ${JSON.stringify(inferred.config)}`);
  const expected = countSegmentorParameters(inferred.config);
  if (expected !== parameters) console.log(`  note: the config accounts for ${expected.toLocaleString('en')} parameters`);
  return 0;
}

/**
 * Writes a segmentation state_dict to safetensors: canonical names, stored dtypes, and in the metadata the config
 * ('internimage_segmentor'), the class names, palette and test mode when the checkpoint records them.
 */
export function convertSegmentor(input: string, output: string, file: WeightsFile, variant?: string): void {
  const meta = readSegmentationMeta(input, file);
  const inferred = inferSegmentorConfig(shapesOf(file), meta);
  const config: SegmentorConfig = variant ? segVariantConfig(variant) : inferred.config;
  checkWeights(segmentorSpecs(config), file);
  for (const n of [...file.notes, ...(variant ? [] : inferred.notes)]) console.error(`note: ${n}`);
  const metadata: Record<string, string> = { format: 'pt', source: basename(input), internimage_segmentor: JSON.stringify(config) };
  if (meta.classes) metadata.classes = JSON.stringify(meta.classes);
  if (meta.palette) metadata.palette = JSON.stringify(meta.palette);
  if (meta.test) metadata.test_cfg = JSON.stringify(meta.test);
  const progress = byteProgress('converting');
  try {
    streamSafetensorsFile(output, file.names().map((name) => {
      const shape = [...file.shapeOf(name)];
      const dtype = file.storageDTypeOf(name);
      const width = WIDTH[dtype];
      if (width === undefined) throw new Error(`tensor '${name}' is stored as ${dtype}, which safetensors output does not support here`);
      return { name, dtype: dtype as never, shape, byteLength: shape.reduce((a, b) => a * b, 1) * width, read: () => file.rawBytes(name).bytes };
    }), metadata, progress.update);
  } finally {
    progress.stop();
  }
  console.log(`wrote ${output}: ${file.names().length} tensors${inferred.variant ? ` (UperNet InternImage-${inferred.variant.toUpperCase()})` : ''}`);
}
