import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_BACKEND } from '../backends.js';
import { readImage } from '../image/decode.js';
import { encodePng } from '../image/draw.js';
import { classShares, colorizeClassMap, legendPng, overlayClassMap } from '../segmentation/render.js';
import type { SegmenterOptions } from '../segmentation/segmenter.js';
import { createSegmenter } from '../segmentation/segmenter.js';
import { weightsPath } from './model_options.js';
import { byteProgress } from './progress.js';
import { UsageError } from './usage_error.js';

export const SEGMENT_USAGE = `internimage segment <image…> [--weights <name|file>] [--out-dir <dir>] [--img-scale 2048,512] [--mode whole|slide] [--json]

Semantic segmentation with InternImage + UperNet (ADE20K's 150 classes for the published checkpoints). Writes per image
<name>_classes.png (the class map in the palette's colours), <name>_overlay.png (the image blended with it) and
<name>_legend.png (the classes present and their pixel share), and prints the legend.
  --weights <w>        a published name (e.g. upernet_internimage_t_512_160k_ade20k, downloaded into the Hugging
                       Face cache once), an mmseg .pth, a .safetensors from convert, hf://… or a URL
                       (default: random weights, labelled as such)
  --variant <v>        t, s, b, l, xl or h (default: inferred from the weights, or t)
  --out-dir <dir>      where the pictures go (default: the current directory)
  --img-scale <l,s>    mmseg's img_scale, bounds of the long and the short side (default: the variant's, e.g. 2048,512)
  --mode <m>           whole (default, as the published configs) or slide
  --crop-size <h,w>    slide window size;  --stride <h,w>  slide step
  --backend <name>     backend to run on (default wasm; cpu is the reference)
  --threads <n>        threads for the wasm backend's kernels (default 1)
  --json               print [{"image","width","height","classes":[{"index","name","pixels","fraction"}]}] only`;

function pair(v: string | undefined, flag: string): [number, number] | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+),(\d+)$/.exec(v);
  if (!m) throw new UsageError(`--${flag} takes two positive integers a,b, got '${v}'`);
  return [Number(m[1]), Number(m[2])];
}

export async function segment(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: {
      weights: { type: 'string' }, variant: { type: 'string' }, backend: { type: 'string', default: DEFAULT_BACKEND },
      threads: { type: 'string' }, 'out-dir': { type: 'string', default: '.' }, 'img-scale': { type: 'string' },
      mode: { type: 'string' }, 'crop-size': { type: 'string' }, stride: { type: 'string' }, json: { type: 'boolean', default: false },
    },
  });
  if (positionals.length === 0) throw new UsageError('expected at least one image');
  if (values.mode !== undefined && values.mode !== 'whole' && values.mode !== 'slide') throw new UsageError(`--mode is whole or slide, got '${values.mode}'`);
  if (values.mode === 'slide' && (!values['crop-size'] || !values.stride)) throw new UsageError('--mode slide needs --crop-size h,w and --stride h,w');
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new UsageError(`--threads must be a positive integer, got '${values.threads}'`);
  const weights = values.weights === undefined ? undefined : await weightsPath(values.weights);
  const progress = byteProgress('loading weights');
  const options: SegmenterOptions = {
    weights, variant: values.variant ?? (weights ? undefined : 't'), backend: values.backend, threads,
    imgScale: pair(values['img-scale'], 'img-scale'), mode: values.mode as SegmenterOptions['mode'],
    cropSize: pair(values['crop-size'], 'crop-size'), stride: pair(values.stride, 'stride'), onProgress: progress.update,
  };
  const segmenter = await createSegmenter(options).finally(progress.stop);
  try {
    const log = values.json ? () => {} : (line: string) => console.log(line);
    const random = segmenter.weights.startsWith('random');
    const variant = options.variant ? `UperNet InternImage-${options.variant.toUpperCase()}` : 'UperNet InternImage';
    log(`${variant}, img_scale ${segmenter.imgScale.join('×')}, ${segmenter.test.mode} mode, on ${segmenter.backend}, weights: ${segmenter.weights}` +
      `${random ? ' — RANDOM WEIGHTS, the class maps are meaningless (pass --weights)' : ''}`);
    for (const n of segmenter.notes) log(`  note: ${n}`);
    const outDir = values['out-dir']!;
    mkdirSync(outDir, { recursive: true });
    const report = [];
    for (const path of positionals) {
      const image = await readImage(path);
      const started = performance.now();
      const seg = await segmenter.segment(image);
      const seconds = (performance.now() - started) / 1000;
      const shares = classShares(seg);
      const stem = join(outDir, basename(path, extname(path)));
      writeFileSync(`${stem}_classes.png`, encodePng(colorizeClassMap(seg)));
      writeFileSync(`${stem}_overlay.png`, encodePng(overlayClassMap(image, seg)));
      writeFileSync(`${stem}_legend.png`, await legendPng(shares, seg.palette, { title: `${basename(path)}${random ? ' (random weights)' : ''}` }));
      report.push({ image: path, width: seg.width, height: seg.height, classes: shares });
      log(`${path}: ${seg.width}×${seg.height} (network input ${seg.inputSize.join('×')}), ${shares.length} classes, ${seconds.toFixed(1)} s`);
      for (const s of shares.slice(0, 12)) log(`  ${(s.fraction * 100).toFixed(1).padStart(5)}%  ${String(s.index).padStart(3)}  ${s.name}`);
      if (shares.length > 12) log(`  … ${shares.length - 12} more`);
      log(`  wrote ${stem}_classes.png, ${stem}_overlay.png, ${stem}_legend.png`);
    }
    if (values.json) console.log(JSON.stringify(report));
    return 0;
  } finally {
    segmenter.dispose();
  }
}
