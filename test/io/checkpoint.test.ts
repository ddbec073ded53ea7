// PyTorch .pth checkpoints read without Python: layouts, dtypes and views, canonical names, hostile pickles, and
// damaged files (every one a typed error, never a crash, a hang or silently different weights).
import test from 'ava';
import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import * as ii from '@internimage/core';
import '@internimage/backend-cpu';
import { MNIST_MODEL, canonicalName, inferConfig, loadModel, openPth, openWeightsFile, parameterSpecs, variantConfig } from 'internimage';
import { fixturePath, readFixtureBytes } from '../harness/fixtures.js';
import { seededRandom } from '../harness/random.js';

await ii.setBackend('cpu');

interface Expected {
  tensors: Record<string, { shape: number[]; dtype: string; values: number[] }>;
  stateDictKey: string;
  ema?: Record<string, number[]>;
}
const expected = JSON.parse(readFileSync(fixturePath('pth/expected.json'), 'utf8')) as Record<string, Expected>;

for (const [file, want] of Object.entries(expected)) {
  test.serial(`reads ${file}: canonical names, shapes, dtypes, values`, async (t) => {
    const w = await openWeightsFile(fixturePath(`pth/${file}`));
    try {
      t.is(w.stateDictKey, want.stateDictKey);
      t.deepEqual(w.names().sort(), Object.keys(want.tensors).sort());
      for (const [name, e] of Object.entries(want.tensors)) {
        t.deepEqual([...w.shapeOf(name)], e.shape, name);
        const tensor = w.tensor(name);
        const got = Array.from(await tensor.data());
        tensor.dispose();
        // Values are compared after conversion to float32/int32, as the library computes with them.
        t.deepEqual(got, Array.from(e.dtype.startsWith('int') || e.dtype === 'uint8' ? Int32Array.from(e.values) : Float32Array.from(e.values)), name);
      }
    } finally {
      w.close();
    }
  });
}

test.serial('training checkpoints: model by default, model_ema on request, other entries ignored', async (t) => {
  const plain = await openWeightsFile(fixturePath('pth/training_checkpoint.pth'));
  t.true(plain.notes.some((n) => n.includes("'model_ema'")));
  plain.close();
  const ema = await openWeightsFile(fixturePath('pth/training_checkpoint.pth'), { ema: true });
  t.is(ema.stateDictKey, 'model_ema');
  const g = ema.tensor('levels.0.blocks.0.gamma1');
  t.deepEqual(Array.from(g.dataSync()), Array.from(Float32Array.from(expected['training_checkpoint.pth']!.ema!['levels.0.blocks.0.gamma1']!)));
  g.dispose();
  ema.close();
  await t.throwsAsync(openWeightsFile(fixturePath('pth/hf_raw_state_dict.pth'), { ema: true }), { message: /no 'model_ema' in this checkpoint/ });
});

test('canonical names strip wrappers and undo the Hugging Face renames', (t) => {
  t.is(canonicalName('module.backbone.levels.0.blocks.1.gamma2'), 'levels.0.blocks.1.gamma2');
  t.is(canonicalName('model.levels.2.blocks.0.layer_scale1'), 'levels.2.blocks.0.gamma1');
  t.is(canonicalName('head.weight'), 'head.weight');
});

test.serial('the tiny golden .pth holds bit-identical tensors to its safetensors twin', async (t) => {
  const pth = await openWeightsFile(fixturePath('internimage/model_tiny_t.pth'));
  const st = await openWeightsFile(fixturePath('internimage/model_tiny_t_weights.safetensors'));
  t.deepEqual(pth.names(), st.names());
  for (const n of pth.names()) t.deepEqual(pth.rawBytes(n), st.rawBytes(n), n);
  pth.close();
});

for (const [file, global] of [['evil_os_system.pth', 'os.system'], ['evil_posix_system.pth', 'posix.system'], ['evil_eval.pth', 'builtins.eval'], ['evil_popen.pth', 'subprocess.Popen']]) {
  test(`refuses ${file}, naming '${global}', and runs nothing`, (t) => {
    const err = t.throws(() => ii.TorchCheckpoint.fromBytes(readFixtureBytes(`pth/${file}`)), { instanceOf: ii.ForbiddenGlobalError });
    t.is(err!.global, global);
    t.regex(err!.message, new RegExp(`global '${global.replace('.', '\\.')}' is not allowed`));
  });
}

const badFiles: Array<[string, RegExp]> = [
  ['bad_offset_past_storage.pth', /tensor \[4\] at offset 2 \(stride \[1\]\) reaches element 6 of a 4-element storage '0'/],
  ['bad_storage_size.pth', /storage '0' holds 16 bytes but 8 float32 elements need 32/],
  ['bad_missing_storage.pth', /storage '9' has no entry 'archive\/data\/9'/],
  ['legacy_format.pth', /zip: no end-of-central-directory record/],
];
for (const [file, message] of badFiles) {
  test(`rejects ${file}`, (t) => {
    t.throws(() => ii.TorchCheckpoint.fromBytes(readFixtureBytes(`pth/${file}`)), { instanceOf: ii.FormatError, message });
  });
}

const tiny = readFixtureBytes('internimage/model_tiny_t.pth');
const firstStorage = () => {
  const zip = new ii.ZipReader(ii.bytesSource(tiny));
  const e = zip.entry('model_tiny_t/data/0');
  return e.localHeaderOffset + 30 + e.name.length + (tiny[e.localHeaderOffset + 28]! | (tiny[e.localHeaderOffset + 29]! << 8));
};

test('a flipped byte in a storage is a CRC-32 error when that tensor is read', (t) => {
  const bytes = tiny.slice();
  bytes[firstStorage() + 5]! ^= 0x10;
  const ckpt = ii.TorchCheckpoint.fromBytes(bytes);
  const entry = ckpt.tensors().find((e) => e.ref.storage.key === '0')!;
  t.throws(() => ckpt.read(entry.ref), { instanceOf: ii.FormatError, message: /entry 'model_tiny_t\/data\/0': CRC-32 0x[0-9a-f]{8} does not match the recorded 0x[0-9a-f]{8} \(the file is corrupted\)/ });
});

test('truncated files and a corrupted central directory are errors', (t) => {
  for (const len of [0, 10, 1000, tiny.byteLength - 23, tiny.byteLength - 1]) {
    t.throws(() => ii.TorchCheckpoint.fromBytes(tiny.subarray(0, len)), { instanceOf: ii.FormatError }, `truncated to ${len}`);
  }
  const bytes = tiny.slice();
  const view = new DataView(bytes.buffer);
  let eocd = bytes.byteLength - 22;
  while (view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  const cd = view.getUint32(eocd + 16, true);
  bytes[cd + 1] = 0x00; // central directory signature
  t.throws(() => ii.TorchCheckpoint.fromBytes(bytes), { message: /zip: central directory entry 0 is malformed/ });
  const moved = tiny.slice();
  new DataView(moved.buffer).setUint32(eocd + 16, cd + 7, true);
  t.throws(() => ii.TorchCheckpoint.fromBytes(moved), { instanceOf: ii.FormatError });
});

/** A one-entry zip, deflated, whose central directory declares `declaredSize`. */
function bombZip(declaredSize: number): Uint8Array {
  const name = new TextEncoder().encode('archive/data.pkl');
  const payload = deflateRawSync(new Uint8Array(1 << 20));
  const local = new Uint8Array(30 + name.length);
  const lv = new DataView(local.buffer);
  lv.setUint32(0, 0x04034b50, true);
  lv.setUint16(8, 8, true);
  lv.setUint32(18, payload.length, true);
  lv.setUint32(22, declaredSize, true);
  lv.setUint16(26, name.length, true);
  local.set(name, 30);
  const central = new Uint8Array(46 + name.length);
  const cv = new DataView(central.buffer);
  cv.setUint32(0, 0x02014b50, true);
  cv.setUint16(10, 8, true);
  cv.setUint32(20, payload.length, true);
  cv.setUint32(24, declaredSize, true);
  cv.setUint16(28, name.length, true);
  central.set(name, 46);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, 1, true);
  ev.setUint16(10, 1, true);
  ev.setUint32(12, central.length, true);
  ev.setUint32(16, local.length + payload.length, true);
  const out = new Uint8Array(local.length + payload.length + central.length + end.length);
  out.set(local, 0);
  out.set(payload, local.length);
  out.set(central, local.length + payload.length);
  out.set(end, local.length + payload.length + central.length);
  return out;
}

test('zip bombs are refused before inflating', (t) => {
  t.throws(() => new ii.ZipReader(ii.bytesSource(bombZip(0xfffffff0))), { message: /declares 4294967280 bytes from \d+ compressed: more than deflate can produce \(zip bomb\?\)/ });
  // A lie in the other direction: inflation stops at the declared size instead of filling memory.
  t.throws(() => new ii.ZipReader(ii.bytesSource(bombZip(1000))), { message: /cannot inflate/ });
});

test('an absurd pickle is an error, not a hang', (t) => {
  const cases: Array<[number[], RegExp]> = [
    [[0x80, 0x02, 0x28, 0x28, 0x28], /truncated/],
    [[0x80, 0x06], /protocol 6 is newer than 5/],
    [[0x80, 0x02, 0x58, 0xff, 0xff, 0xff, 0x7f], /truncated: needs 2147483647 bytes/],
    [[0x80, 0x02, 0x68, 0x05], /memo key 5 was never stored/],
    [[0x80, 0x02, 0x4e, 0x4e, 0x2e], /STOP with 2 values on the stack/],
    [[0x80, 0x02, 0xff], /unknown opcode 0xff/],
  ];
  for (const [bytes, message] of cases) {
    t.throws(() => ii.unpickle(Uint8Array.from(bytes), { globals: new Map() }), { instanceOf: ii.FormatError, message });
  }
});

// FUZZ_ITERATIONS=20000 npm test -- test/io/checkpoint.test.ts runs a longer campaign (docs/testing.md#long-runs).
const FUZZ_ITERATIONS = Number(process.env.FUZZ_ITERATIONS ?? 300);

test.serial(`fuzz: mutated checkpoints give a typed error or exactly the original tensors (${FUZZ_ITERATIONS} mutations)`, async (t) => {
  const original = openPth(ii.TorchCheckpoint.fromBytes(tiny));
  const reference = new Map(original.names().map((n) => [n, original.rawBytes(n)]));
  original.close();
  const rand = seededRandom(12345).below;
  const outcomes = { error: 0, identical: 0 };
  for (let i = 0; i < FUZZ_ITERATIONS; i++) {
    let bytes = tiny.slice();
    const kind = i % 3;
    if (kind === 0) bytes[rand(bytes.length)]! ^= 1 << rand(8);
    else if (kind === 1) bytes = bytes.slice(0, rand(bytes.length));
    else {
      const at = rand(bytes.length);
      const grown = new Uint8Array(bytes.length + 1);
      grown.set(bytes.subarray(0, at));
      grown[at] = rand(256);
      grown.set(bytes.subarray(at), at + 1);
      bytes = grown;
    }
    try {
      const w = openPth(ii.TorchCheckpoint.fromBytes(bytes));
      try {
        t.deepEqual(w.names(), [...reference.keys()]);
        for (const [n, raw] of reference) {
          const got = w.rawBytes(n);
          // Buffer.compare: ava's deepEqual is far too slow for megabytes in a loop.
          const same = got.dtype === raw.dtype && got.shape.join() === raw.shape.join() && Buffer.compare(got.bytes, raw.bytes) === 0;
          if (!same) t.fail(`mutation ${i}: tensor ${n} differs from the original instead of failing`);
        }
      } finally {
        w.close();
      }
      outcomes.identical++;
    } catch (e) {
      if (!(e instanceof ii.FormatError)) t.fail(`mutation ${i} (kind ${kind}) threw an untyped ${(e as Error).name}: ${(e as Error).message}`);
      outcomes.error++;
    }
  }
  t.log(outcomes);
  t.is(outcomes.error + outcomes.identical, FUZZ_ITERATIONS);
});

test.serial('loadModel reads the MNIST .pth with the config inferred from its shapes', async (t) => {
  const { model, config, variant, notes } = await loadModel(MNIST_MODEL, { onProgress: (done, total) => t.true(done <= total) });
  t.is(variant, null);
  t.deepEqual([config.channels, config.depths, config.groups, config.numClasses], [16, [1, 1, 2, 1], [1, 2, 4, 8], 10]);
  t.true(notes.some((n) => n.includes('offset_scale 1.0')));
  t.is(config.imgSize, 32);
  t.true(notes.includes('image size 32 taken from the file name'));
  model.dispose();
});

test('inferConfig recognises every published variant from its shapes alone', (t) => {
  for (const v of ['t', 's', 'b', 'l', 'xl', 'h', 'g']) {
    const c = variantConfig(v);
    const inferred = inferConfig(new Map(parameterSpecs(c).map((s) => [s.name, s.shape])));
    t.is(inferred.variant as string | null, v);
    t.deepEqual(inferred.config, c);
  }
  t.throws(() => inferConfig(new Map([['fc.weight', [3, 4]]])), { message: "not an InternImage state_dict: no 'patch_embed.conv2.weight'" });
});
