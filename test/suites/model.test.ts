// The internimage package: variant configs, strict weight loading, initialisation, backbone mode, and every
// dcnv3_core, dcnv3_module and model golden case of the official implementation on every backend.
import test from 'ava';
import * as ii from '@internimage/core';
import {
  InternImage, VARIANTS, WeightLoadError, configFromOfficial, countParameters, parameterSpecs, readManifest,
  runFixtureCase, variantConfig,
} from 'internimage';
import { fixturePath, readFixtureBytes } from '../harness/fixtures.js';
import { probeBackends } from '../harness/backends.js';
import { backendSuite } from '../harness/suite.js';

const FIXTURES = fixturePath('internimage');
const cases = readManifest(FIXTURES);
const tinyT = cases.find((c) => c.file === 'model_tiny_t.safetensors')!;
const tinyTConfig = configFromOfficial(tinyT.config as Record<string, unknown>);
const tinyTWeights = () => ii.readSafetensors(readFixtureBytes('internimage/model_tiny_t_weights.safetensors'));

await backendSuite('golden fixtures', cases.map((c) => ({
  name: `${c.kind} ${c.file}`,
  run: async (t) => {
    const r = await runFixtureCase(FIXTURES, c, { cases });
    t.true(r.pass, `${JSON.stringify(r.outputs)} ${r.notes.join('; ')}`);
    t.true(Object.keys(r.outputs).length > 0);
  },
})));

const PUBLISHED: Record<string, number> = {
  t: 29_918_424, s: 50_079_880, b: 97_461_832, l: 223_334_810, xl: 334_819_780, h: 1_089_636_760, g: 3_076_373_352,
};
for (const [name, count] of Object.entries(PUBLISHED)) {
  test(`variant ${name.toUpperCase()} has ${count.toLocaleString('en')} parameters`, (t) => {
    t.is(countParameters(variantConfig(name)), count);
  });
}

test('variant T has the 633 state_dict entries of the official checkpoint', (t) => {
  const specs = parameterSpecs(VARIANTS.t);
  t.is(specs.length, 633);
  const byName = new Map(specs.map((s) => [s.name, s.shape]));
  t.deepEqual(byName.get('levels.3.blocks.0.dcn.offset.weight'), [576, 512]);
  t.deepEqual(byName.get('levels.2.blocks.17.mlp.fc1.weight'), [1024, 256]);
  t.deepEqual(byName.get('conv_head.0.weight'), [768, 512, 1, 1]);
  t.deepEqual(byName.get('conv_head.1.0.num_batches_tracked'), []);
});

test('unknown variants and inconsistent configs are rejected', (t) => {
  t.throws(() => variantConfig('m'), { message: /^variantConfig: argument 'name' must be one of t, s, b, l, xl, h, g, got "m"$/ });
  t.throws(() => InternImage.specs({ ...VARIANTS.t, groups: [4, 8, 16, 30] }), {
    message: "InternImageConfig: argument 'groups[3]' must be a divisor of stage 3's 512 channels, got 30",
  });
  t.throws(() => configFromOfficial({ channels: 16, drop_path: 0.1 }), { message: /argument 'drop_path' must be a known InternImage config field/ });
});

test.serial('strict loading reports every missing, unexpected and mis-shaped key at once', async (t) => {
  await ii.setBackend('cpu');
  const file = tinyTWeights();
  const tensors = file.tensors();
  const before = ii.memory().tensors;
  const broken: Record<string, ii.Tensor> = { ...tensors };
  delete broken['head.bias'];
  delete broken['levels.1.blocks.0.dcn.mask.weight'];
  broken['levels.0.blocks.0.gamma1'] = tensors['head.bias']!;
  broken['patch_embed.conv1.weight'] = tensors['patch_embed.conv2.weight']!;
  const err = t.throws(() => InternImage.fromWeights(tinyTConfig, broken), { instanceOf: WeightLoadError });
  t.deepEqual(err!.missing.map((m) => m.name).sort(), ['head.bias', 'levels.1.blocks.0.dcn.mask.weight']);
  t.deepEqual(err!.unexpected, [{ name: 'levels.0.blocks.0.gamma1', shape: [10] }]);
  t.deepEqual(err!.misshaped, [{ name: 'patch_embed.conv1.weight', expected: [8, 3, 3, 3], actual: [16, 8, 3, 3] }]);
  t.regex(err!.message, /missing keys \(2\):\n {2}levels.1.blocks.0.dcn.mask.weight \[18, 32\]\n {2}head.bias \[10\]/);
  t.is(ii.memory().tensors, before, 'nothing is loaded when the check fails');
  const lenient = InternImage.fromWeights(tinyTConfig, { ...tensors, extra: tensors['head.bias']! }, { strict: false });
  lenient.dispose();
  ii.dispose(...Object.values(tensors));
});

test.serial('backbone mode returns the chosen stage outputs, NCHW or NHWC, from a classification checkpoint', async (t) => {
  await ii.setBackend('cpu');
  const io = ii.readSafetensors(readFixtureBytes('internimage/model_tiny_t.safetensors'));
  const input = io.tensor('input');
  const backbone = InternImage.fromWeights(tinyTConfig, tinyTWeights(), { backbone: true });
  t.true(backbone.backbone);
  t.false([...backbone.parameters().keys()].some((k) => k.startsWith('head.') || k.startsWith('conv_head.')));
  const [f1, f3] = backbone.features(input, { outIndices: [1, 3] });
  t.deepEqual([...f1!.shape], [2, 32, 8, 8]);
  t.deepEqual([...f3!.shape], [2, 128, 2, 2]);
  const nchw = ii.transpose(f3!, [0, 2, 3, 1]);
  t.true(ii.relativeL2Error(await nchw.data(), io.values('features.3').data) < 1e-4);
  const [nhwc] = backbone.features(input, { outIndices: [0], layout: 'NHWC' });
  t.deepEqual([...nhwc!.shape], [2, 16, 16, 16]);
  t.throws(() => backbone.classify(input), { message: /built as a backbone/ });
  t.throws(() => backbone.features(input, { outIndices: [4] }), { message: /outIndices' must be stage indices among 0, 1, 2, 3/ });
  ii.dispose(f1, f3, nchw, nhwc, input);
  backbone.dispose();
});

test.serial('forward rejects inputs that are not NCHW RGB images', async (t) => {
  await ii.setBackend('cpu');
  const model = InternImage.random({ ...tinyTConfig });
  const nhwc = ii.zeros([1, 64, 64, 3]);
  t.throws(() => model.forward(nhwc), {
    message: "InternImage.forward: argument 'image' must be a float32 tensor [N, 3, H, W] (NCHW, normalised), got float32 [1, 64, 64, 3]",
  });
  nhwc.dispose();
  model.dispose();
  t.throws(() => model.forward(nhwc), { message: 'InternImage: the model has been disposed' });
});

test.serial('random initialisation follows the official scheme and is reproducible by seed', async (t) => {
  await ii.setBackend('cpu');
  const config = { ...VARIANTS.s, channels: 16, depths: [1, 1, 1, 1] as [number, number, number, number], groups: [1, 2, 4, 8] as [number, number, number, number], numClasses: 5 };
  const a = InternImage.random(config, { seed: 7 });
  const b = InternImage.random(config, { seed: 7 });
  const c = InternImage.random(config, { seed: 8 });
  const values = (m: InternImage, name: string) => Array.from(m.parameters().get(name)!.dataSync());
  const stats = (xs: number[]) => {
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    return { mean, std: Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length), maxAbs: Math.max(...xs.map(Math.abs)) };
  };
  t.deepEqual(values(a, 'levels.0.blocks.0.mlp.fc1.weight'), values(b, 'levels.0.blocks.0.mlp.fc1.weight'));
  t.notDeepEqual(values(a, 'levels.0.blocks.0.mlp.fc1.weight'), values(c, 'levels.0.blocks.0.mlp.fc1.weight'));
  for (const n of ['offset.weight', 'offset.bias', 'mask.weight', 'mask.bias']) {
    t.true(values(a, `levels.1.blocks.0.dcn.${n}`).every((v) => v === 0), `${n} starts at zero: a fresh DCN is a box filter`);
  }
  t.true(values(a, 'levels.2.blocks.0.gamma1').every((v) => Math.abs(v - 1e-5) < 1e-12));
  t.true(values(a, 'levels.0.blocks.0.norm1.0.weight').every((v) => v === 1));
  const fc = stats(values(a, 'levels.3.blocks.0.mlp.fc1.weight')); // 512×128 draws
  t.true(Math.abs(fc.std - 0.02) < 0.001 && Math.abs(fc.mean) < 0.001, JSON.stringify(fc));
  const xavier = stats(values(a, 'levels.3.blocks.0.dcn.input_proj.weight'));
  const xavierBound = Math.sqrt(6 / (128 + 128));
  t.true(xavier.maxAbs <= xavierBound && xavier.maxAbs > 0.95 * xavierBound, JSON.stringify(xavier));
  const conv = stats(values(a, 'patch_embed.conv2.weight'));
  t.true(conv.maxAbs <= 1 / Math.sqrt(8 * 9) && conv.maxAbs > 0.9 / Math.sqrt(8 * 9), JSON.stringify(conv));
  for (const m of [a, b, c]) m.dispose();
});

for (const status of await probeBackends()) {
  if (!status.available) continue;
  test.serial(`${status.name} | a fresh DCNv3 samples a 3x3 box of input_proj(x) (offsets 0, mask 1/9)`, async (t) => {
    await ii.setBackend(status.name);
    const before = ii.memory();
    const config = { ...VARIANTS.t, channels: 8, depths: [1, 0, 0, 0] as [number, number, number, number], groups: [2, 2, 2, 2] as [number, number, number, number], numClasses: 0 };
    const model = InternImage.random(config, { seed: 3 });
    const { DCNv3Module, ParamsView } = await import('internimage');
    const p = new ParamsView(model.parameters() as Map<string, ii.Tensor>, 'levels.0.blocks.0.dcn.');
    const module = new DCNv3Module(p, { channels: 8, group: 2, offsetScale: 1, dwKernelSize: 3, centerFeatureScale: false, removeCenter: false });
    const x = ii.tensor(Array.from({ length: 2 * 5 * 5 * 8 }, (_, i) => Math.sin(i)), [2, 5, 5, 8]);
    const got = ii.tidy(() => module.forward(x));
    const expected = ii.tidy(() => {
      const v = ii.linear(x, p.get('input_proj.weight'), p.get('input_proj.bias'));
      const box = ii.conv2d(v, ii.fill([8, 1, 3, 3], 1 / 9), { padding: 1, groups: 8, dataFormat: 'NHWC' });
      return ii.linear(box, p.get('output_proj.weight'), p.get('output_proj.bias'));
    });
    t.true(ii.relativeL2Error(await got.data(), await expected.data()) < 1e-5);
    ii.dispose(x, got, expected);
    model.dispose();
    t.deepEqual(ii.memory(), before);
  });
}
