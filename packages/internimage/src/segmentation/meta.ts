// What a segmentation checkpoint says about itself besides its tensors: mmseg's .pth keeps `meta` (CLASSES, PALETTE
// and the training config as Python source); the safetensors files `convert` writes keep the same in __metadata__.
import { PyDict, PyTuple, TorchCheckpoint } from '@internimage/core';
import type { WeightsFile } from '../checkpoint.js';
import type { RGB } from './classes.js';
import type { TestMode } from './segmentor.js';

export interface SegmentationMeta {
  classes: string[] | null;
  palette: RGB[] | null;
  /** Fields read from the recorded config (only those that tensor shapes cannot show). */
  offsetScale: number | null;
  imgScale: [number, number] | null;
  test: TestMode | null;
  /** A whole config recorded by `convert` (JSON), when present. */
  segmentorConfig: string | null;
}

const list = (v: unknown): unknown[] | null => (v instanceof PyTuple ? [...v.items] : Array.isArray(v) ? v : null);
const pair = (m: RegExpExecArray | null): [number, number] | null => (m ? [Number(m[1]), Number(m[2])] : null);

/** Reads the few settings this port needs from mmcv config text (a Python dict literal dump). */
export function parseConfigText(text: string): Pick<SegmentationMeta, 'offsetScale' | 'imgScale' | 'test'> {
  const offset = /['"]?offset_scale['"]?\s*[=:]\s*([0-9.]+)/.exec(text);
  const imgScale = pair(/['"]?img_scale['"]?\s*[=:]\s*[[(]\s*(\d+)\s*,\s*(\d+)\s*[\])]/.exec(text));
  const testCfg = /test_cfg\s*[=:]\s*(?:dict\(|\{)([^)}]*)/.exec(text)?.[1] ?? '';
  let test: TestMode | null = null;
  if (/['"]?mode['"]?\s*[=:]\s*['"]whole['"]/.test(testCfg)) test = { mode: 'whole' };
  const crop = pair(/['"]?crop_size['"]?\s*[=:]\s*[[(]\s*(\d+)\s*,\s*(\d+)/.exec(testCfg));
  const stride = pair(/['"]?stride['"]?\s*[=:]\s*[[(]\s*(\d+)\s*,\s*(\d+)/.exec(testCfg));
  if (/['"]?mode['"]?\s*[=:]\s*['"]slide['"]/.test(testCfg) && crop && stride) test = { mode: 'slide', cropSize: crop, stride };
  return { offsetScale: offset ? Number(offset[1]) : null, imgScale, test };
}

const EMPTY: SegmentationMeta = { classes: null, palette: null, offsetScale: null, imgScale: null, test: null, segmentorConfig: null };

function fromPth(path: string): SegmentationMeta {
  const ckpt = TorchCheckpoint.open(path);
  try {
    const meta = ckpt.root instanceof PyDict ? ckpt.root.map.get('meta') : undefined;
    if (!(meta instanceof PyDict)) return { ...EMPTY };
    const classes = list(meta.map.get('CLASSES'));
    const palette = list(meta.map.get('PALETTE'))?.map((c) => list(c)?.map(Number)) ?? null;
    const text = meta.map.get('config');
    return {
      ...EMPTY,
      ...(typeof text === 'string' ? parseConfigText(text) : {}),
      classes: classes?.every((c) => typeof c === 'string') ? (classes as string[]).map((c) => c.trim()) : null,
      palette: palette?.every((c) => c?.length === 3) ? (palette as RGB[]) : null,
    };
  } finally {
    ckpt.close();
  }
}

function fromSafetensors(metadata: Readonly<Record<string, string>>): SegmentationMeta {
  const json = (k: string) => (metadata[k] === undefined ? null : JSON.parse(metadata[k]!));
  return {
    ...EMPTY, classes: json('classes'), palette: json('palette'), test: json('test_cfg'),
    segmentorConfig: metadata.internimage_segmentor ?? null,
  };
}

export function readSegmentationMeta(path: string, file: WeightsFile): SegmentationMeta {
  return file.format === 'pth' ? fromPth(path) : fromSafetensors(file.metadata);
}
