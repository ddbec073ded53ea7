// Semantic segmentation (InternImage + UperNet as mmseg 0.27 runs it): the golden cases on every backend, the
// published configs, checkpoint loading and config inference, the API, the CLI and its pictures, and bad inputs.
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import * as ii from '@internimage/core';
import '@internimage/backend-cpu';
import {
  ImageTooLargeError, NotASegmentorError, SEG_VARIANTS, UperNetSegmentor, WeightLoadError, countSegmentorParameters,
  createSegmenter, decodeImage, inferSegmentorConfig, loadSegmentor, readImage, readManifest, rescaleSize, runFixtureCase,
  configFromOfficial, segInputSize, segmentorConfigFromOfficial, segmentorSpecs, slideWindows, variantConfig,
} from 'internimage';
import { CudaBackend, CudaDevice } from '@internimage/backend-cuda';
import { createEmulatedAddon } from '../harness/cuda_emulator.js';
import { fixturePath, readFixtureBytes } from '../harness/fixtures.js';
import { backendSuite } from '../harness/suite.js';

const FIXTURES = fixturePath('segmentation');
const IMAGES = fileURLToPath(new URL('../images/', import.meta.url));
const BIN = fileURLToPath(new URL('../../packages/internimage/bin/internimage.js', import.meta.url));
const cases = readManifest(FIXTURES);
const tinyT = cases.find((c) => c.file === 'segmentation_tiny_t.safetensors')!;
const TINY_T_PTH = join(FIXTURES, 'segmentation_tiny_t.pth');
const tinyPred = () => ii.readSafetensors(readFixtureBytes('segmentation/segmentation_tiny_t.safetensors')).values('pred').data;

await backendSuite('segmentation golden fixtures', cases.map((c) => ({
  name: `${c.kind} ${c.file}`,
  run: async (t) => {
    const r = await runFixtureCase(FIXTURES, c, { cases });
    t.true(r.pass, `${JSON.stringify(r.outputs)} ${r.notes.join('; ')}`);
    t.true(Object.keys(r.outputs).length > 0);
  },
})));

// The CUDA backend's TypeScript side over the emulated addon (as test/cuda_emulated.test.ts): kernels are checked on a GPU.
const emulated = createEmulatedAddon();
ii.registerBackend('cuda-emulated', () => new CudaBackend(new CudaDevice(emulated, { poison: true })));
for (const c of cases) {
  test.serial(`cuda (emulated addon) | segmentation golden ${c.kind} ${c.file}`, async (t) => {
    await ii.setBackend('cuda-emulated');
    const before = ii.memory();
    const r = await runFixtureCase(FIXTURES, c, { cases });
    t.true(r.pass, `${JSON.stringify(r.outputs)} ${r.notes.join('; ')}`);
    t.deepEqual(ii.memory(), before);
  });
}

const PUBLISHED_MILLIONS: Record<string, string> = { t: '59.08', s: '79.87', b: '128.39', l: '255.60', xl: '367.73', h: '1120.34' };
const KEYS: Record<string, number> = { t: 767, s: 825, b: 825, l: 913, xl: 957, h: 1417 };
for (const [v, millions] of Object.entries(PUBLISHED_MILLIONS)) {
  test(`UperNet ${v.toUpperCase()}: ${millions}M parameters with the auxiliary head, ${KEYS[v]} state_dict keys, recognised from its shapes`, (t) => {
    const config = SEG_VARIANTS[v as keyof typeof SEG_VARIANTS];
    t.is((countSegmentorParameters(config) / 1e6).toFixed(2), millions);
    const specs = segmentorSpecs(config);
    t.is(specs.length, KEYS[v]);
    const inferred = inferSegmentorConfig(new Map(specs.map((s) => [s.name, s.shape])));
    t.is(inferred.variant, v as typeof inferred.variant);
    t.deepEqual(inferred.config, config);
    t.deepEqual(inferred.notes, []);
  });
}

test('the segmentation T has layer scale (gamma1/gamma2), unlike the classification T; H has none', (t) => {
  t.true(segmentorSpecs(SEG_VARIANTS.t).some((s) => s.name === 'levels.0.blocks.0.gamma1'));
  t.is(variantConfig('t').layerScale, null);
  t.false(segmentorSpecs(SEG_VARIANTS.h).some((s) => s.name.endsWith('gamma1')));
  t.deepEqual(SEG_VARIANTS.l.imgScale, [2560, 640]);
  t.deepEqual(SEG_VARIANTS.h.imgScale, [3584, 896]);
});

test('imrescale + imresize_to_multiple(32) give the network sizes mmseg gives', (t) => {
  const table: Array<[[number, number], [number, number]]> = [
    [[512, 683], [512, 704]], [[683, 512], [704, 512]], [[375, 500], [512, 704]], [[2000, 1500], [704, 512]],
    [[333, 1500], [480, 2048]], [[512, 512], [512, 512]], [[47, 31], [800, 512]],
  ];
  for (const [[h, w], [nh, nw]] of table) t.deepEqual(segInputSize(w, h, [2048, 512]), [nw, nh], `${h}×${w}`);
  t.deepEqual(rescaleSize(600, 400, [600, 200]), [300, 200]);
});

test('slide windows are placed as mmseg places them: the last flush with the end, one window when the image is smaller', (t) => {
  t.deepEqual(slideWindows(160, 64, 48), [[0, 64], [48, 112], [96, 160]]);
  t.deepEqual(slideWindows(96, 64, 48), [[0, 64], [32, 96]]);
  t.deepEqual(slideWindows(40, 64, 48), [[0, 40]]);
});

test('the mmseg .pth loads with its classes and palette from meta, and the test mode its config records', async (t) => {
  await ii.setBackend('cpu');
  const loaded = await loadSegmentor(join(FIXTURES, 'segmentation_tiny_l_slide.pth'));
  const c = cases.find((x) => x.file === 'segmentation_tiny_l_slide.safetensors')!;
  t.deepEqual(loaded.classes, c.classes);
  t.deepEqual(loaded.palette, c.palette);
  t.deepEqual(loaded.test, { mode: 'slide', cropSize: [64, 64], stride: [48, 48] });
  t.is(loaded.config.backbone.offsetScale, 2, 'offset_scale read from the recorded config');
  loaded.segmentor.dispose();
});

test.serial('createSegmenter: one image or a list, class map as the reference pred, scores in (0, 1]', async (t) => {
  const seg = await createSegmenter({ weights: TINY_T_PTH, backend: 'cpu', imgScale: tinyT.img_scale as [number, number], scores: true });
  try {
    t.deepEqual(seg.classes, tinyT.classes);
    t.is(seg.test.mode, 'whole');
    const one = await seg.segment(join(IMAGES, 'chelsea.png'));
    t.is(one.width, 451);
    t.is(one.height, 300);
    t.deepEqual(one.inputSize, [160, 96]);
    t.true(one.classMap instanceof Uint8Array);
    const pred = tinyPred();
    let same = 0;
    for (let i = 0; i < pred.length; i++) if (one.classMap[i] === pred[i]) same++;
    t.true(same / pred.length >= 0.999, `${same}/${pred.length}`);
    t.true(one.scores!.every((s) => s > 0 && s <= 1));
    const two = await seg.segment([join(IMAGES, 'coffee.png'), readFileSync(join(IMAGES, 'chelsea.png'))]);
    t.is(two.length, 2);
    t.is(two[0]!.width, 600);
    t.deepEqual(two[1]!.classMap, one.classMap);
  } finally {
    seg.dispose();
  }
});

test.serial('a converted safetensors gives the same map as the .pth and keeps classes and config', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'seg-convert-'));
  const out = join(dir, 'tiny.safetensors');
  await promisify(execFile)(process.execPath, [BIN, 'convert', TINY_T_PTH, out]);
  const a = await createSegmenter({ weights: TINY_T_PTH, backend: 'cpu', imgScale: [160, 96] });
  const b = await createSegmenter({ weights: out, backend: 'cpu', imgScale: [160, 96] });
  try {
    t.deepEqual(b.classes, a.classes);
    t.deepEqual(b.config, a.config);
    const image = await readImage(join(IMAGES, 'chelsea.png'));
    t.deepEqual((await b.segment(image)).classMap, (await a.segment(image)).classMap);
  } finally {
    a.dispose();
    b.dispose();
  }
});

test.serial('bad inputs: a classification checkpoint, a head that does not fit, an image too large for the backend', async (t) => {
  await t.throwsAsync(createSegmenter({ weights: fixturePath('internimage/model_tiny_t.pth'), backend: 'cpu' }), {
    instanceOf: NotASegmentorError, message: /holds no segmentation model .*classification checkpoint/,
  });
  // The right backbone with a head of other width and classes: the head's keys are listed as mis-shaped.
  const wrongHead = segmentorConfigFromOfficial(configFromOfficial(tinyT.config as Record<string, unknown>), { ...(tinyT.head as object), channels: 32, num_classes: 150 });
  const error = await t.throwsAsync(createSegmenter({ weights: TINY_T_PTH, config: wrongHead, backend: 'cpu' }), { instanceOf: WeightLoadError });
  t.regex(error!.message, /decode_head\.conv_seg\.weight: expected \[150, 32, 1, 1\], got \[7, 16, 1, 1\]/);
  t.notRegex(error!.message, /levels\./);
  const shapes = new Map(segmentorSpecs(SEG_VARIANTS.t).map((s) => [s.name, s.shape]));
  shapes.set('decode_head.lateral_convs.1.conv.weight', [512, 96, 1, 1]);
  t.throws(() => inferSegmentorConfig(shapes), { instanceOf: NotASegmentorError, message: /lateral_convs\.1 takes 96 channels, stage 1 has 128/ });
  const seg = await createSegmenter({ weights: TINY_T_PTH, backend: 'wasm', imgScale: [20000, 12000] });
  try {
    await t.throwsAsync(seg.segment(join(IMAGES, 'chelsea.png')), {
      instanceOf: ImageTooLargeError, message: /image 0 \(451×300, network input 18048×12000\) is too large for the 'wasm' backend/,
    });
  } finally {
    seg.dispose();
  }
  t.throws(() => UperNetSegmentor.random({ backbone: { channels: 16, depths: [1, 1, 1, 1], groups: [1, 2, 4, 8] }, imgScale: [64, 8] }), { message: /imgScale\[1\]/ });
  await t.throwsAsync(createSegmenter({ backend: 'cpu', config: { backbone: { channels: 16, depths: [1, 1, 1, 1], groups: [1, 2, 4, 8] } }, mode: 'slide' }), { message: /cropSize/ });
});

test('segment CLI: class map, overlay and legend PNGs per image, and the --json report', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'seg-cli-'));
  const { stdout } = await promisify(execFile)(process.execPath, [
    BIN, 'segment', join(IMAGES, 'chelsea.png'), '--weights', TINY_T_PTH, '--img-scale', '160,96', '--out-dir', dir, '--json', '--backend', 'cpu',
  ]);
  const report = JSON.parse(stdout) as Array<{ image: string; width: number; height: number; classes: Array<{ index: number; name: string; pixels: number; fraction: number }> }>;
  t.is(report.length, 1);
  t.is(report[0]!.width, 451);
  const pred = tinyPred();
  const counts = new Map<number, number>();
  for (const p of pred) counts.set(p, (counts.get(p) ?? 0) + 1);
  for (const c of report[0]!.classes) {
    t.is(c.name, (tinyT.classes as string[])[c.index]);
    t.true(Math.abs(c.pixels - counts.get(c.index)!) <= pred.length * 0.001, `${c.name}: ${c.pixels} vs ${counts.get(c.index)}`);
  }
  t.is(report[0]!.classes.reduce((n, c) => n + c.pixels, 0), 451 * 300);
  for (const suffix of ['classes', 'overlay', 'legend']) t.true(existsSync(join(dir, `chelsea_${suffix}.png`)), suffix);
  const map = await decodeImage(readFileSync(join(dir, 'chelsea_classes.png')), 'chelsea_classes.png');
  t.is(map.width, 451);
  const palette = tinyT.palette as number[][];
  const first = pred[0]!;
  t.deepEqual([...map.data.subarray(0, 3)], palette[first]);
});

test('segment CLI: usage errors say what is wrong', async (t) => {
  const err = await promisify(execFile)(process.execPath, [BIN, 'segment', join(IMAGES, 'chelsea.png'), '--mode', 'slide']).catch((e) => e as { code: number; stderr: string });
  t.is((err as { code: number }).code, 2);
  t.regex((err as { stderr: string }).stderr, /--mode slide needs --crop-size h,w and --stride h,w/);
  // A published name resolves through the Hugging Face cache; offline and not cached, the error says how to get it.
  const env = { ...process.env, HF_HUB_OFFLINE: '1', HF_HUB_CACHE: join(tmpdir(), `ii-seg-empty-cache-${process.pid}`) };
  const missing = await promisify(execFile)(process.execPath, [BIN, 'segment', 'x.png', '--weights', 'upernet_internimage_t_512_160k_ade20k.pth'], { env }).catch((e) => e as { code: number; stderr: string });
  t.is((missing as { code: number }).code, 2);
  t.regex((missing as { stderr: string }).stderr, /not in the cache.*internimage download upernet_internimage_t_512_160k_ade20k/);
});

test('npm start with --seg-weights segments the sample photo; without, it prints the command', async (t) => {
  const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'demo', '--seg-weights', TINY_T_PTH], { maxBuffer: 1 << 24 });
  t.regex(stdout, /3\. Semantic segmentation with .*segmentation_tiny_t\.pth on wasm/);
  t.true(stdout.split('3. Semantic')[1]!.split('\n').filter((l) => /^\s+\d+\.\d%\s+\d+\s+\S/.test(l)).length >= 2);
});

test('check-fixtures runs the segmentation kinds and reports every output', async (t) => {
  const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'check-fixtures', FIXTURES, '--json', '--backend', 'cpu'], { maxBuffer: 1 << 24 });
  const report = JSON.parse(stdout) as { cases: Array<{ file: string; kind: string; outputs: Record<string, number>; pass: boolean }>; passed: number; failed: number };
  t.is(report.failed, 0);
  t.is(report.passed, cases.length);
  t.deepEqual(new Set(report.cases.map((c) => c.kind)), new Set(['upernet_head', 'seg_preprocess', 'segmentation']));
  const slide = report.cases.find((c) => c.file === 'segmentation_tiny_l_slide.safetensors')!;
  t.deepEqual(Object.keys(slide.outputs), [
    'input', 'features.0', 'features.1', 'features.2', 'features.3', 'decode_logits', 'seg_logit', 'pred.mismatch', 'checkpoint.pred.mismatch',
  ]);
  t.is(slide.outputs.input, 0);
});
