// safetensors: reading the official fixtures, writing and reading back every dtype, and rejecting files whose header
// lies, with a message that says what is wrong.
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ii from '@internimage/core';
import '@internimage/backend-cpu';
import { readFixtureBytes } from '../harness/fixtures.js';

await ii.setBackend('cpu');

/** A safetensors buffer with exactly this header object and `dataBytes` bytes of data. */
function craft(header: unknown, dataBytes = 0, headerLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength ?? json.byteLength), true);
  out.set(json, 8);
  return out;
}

test('reads an official fixture: names, shapes, dtypes, metadata', (t) => {
  const f = ii.readSafetensors(readFixtureBytes('internimage/dcnv3_core_basic.safetensors'));
  t.deepEqual(f.names().sort(), ['input', 'mask', 'offset', 'output']);
  t.deepEqual(f.entry('offset').shape, [2, 8, 8, 72]);
  t.is(f.entry('input').storageDType, 'float32');
  t.is(f.metadata.group_channels, '8');
  t.throws(() => f.entry('weights'), { message: /^safetensors: no tensor named 'weights' \(file has 4: / });
});

test.serial('round-trips every dtype, converting on read', async (t) => {
  const values = [0, 1.5, -2.25, 65504, 1e-3];
  const bytes = await ii.writeSafetensors({
    f32: { dtype: 'float32', shape: [5], data: values },
    f16: { dtype: 'float16', shape: [5], data: values },
    bf16: { dtype: 'bfloat16', shape: [5], data: values },
    f64: { dtype: 'float64', shape: [5], data: values },
    i64: { dtype: 'int64', shape: [2, 2], data: [-5, 0, 2147483647, -2147483648] },
    i32: { dtype: 'int32', shape: [2], data: [-7, 9] },
    u8: { dtype: 'uint8', shape: [3], data: [0, 128, 255] },
    scalar: { dtype: 'float32', shape: [], data: [3] },
    empty: { dtype: 'float32', shape: [0, 4], data: [] },
  }, { format: 'pt', note: 'é' });
  const f = ii.readSafetensors(bytes);
  t.deepEqual(f.metadata, { format: 'pt', note: 'é' });
  t.deepEqual(Array.from(f.values('f32').data), Array.from(new Float32Array(values)));
  t.deepEqual(Array.from(f.values('f64').data), Array.from(new Float32Array(values)));
  // Expected values from PyTorch: tensor(values).half() / .bfloat16() read back as float64.
  t.deepEqual(Array.from(f.values('f16').data), [0, 1.5, -2.25, 65504, 1049 / 2 ** 20]);
  t.deepEqual(Array.from(f.values('bf16').data), [0, 1.5, -2.25, 65536, 0.00099945068359375]);
  t.deepEqual(f.values('i64'), { dtype: 'int32', shape: [2, 2], data: new Int32Array([-5, 0, 2147483647, -2147483648]) });
  t.deepEqual(Array.from(f.values('u8').data), [0, 128, 255]);
  t.is(f.values('u8').dtype, 'int32');
  t.deepEqual(f.entry('scalar').shape, []);
  t.deepEqual(f.entry('empty').shape, [0, 4]);
  t.is((8 + Number(new DataView(bytes.buffer).getBigUint64(0, true))) % 8, 0, 'data section is 8-byte aligned');
});

test.serial('writes tensors, also stored as another dtype, and files on disk', async (t) => {
  const x = ii.tensor([[0.1, 0.2], [0.3, 0.4]]);
  const n = ii.tensor([1, 2, 3], [3], 'int32');
  const path = join(mkdtempSync(join(tmpdir(), 'st-')), 'a.safetensors');
  await ii.writeSafetensorsFile(path, { x, n, half: { tensor: x, dtype: 'float16' } });
  const f = await ii.readSafetensorsFile(path);
  t.deepEqual([f.entry('x').storageDType, f.entry('n').storageDType, f.entry('half').storageDType], ['float32', 'int32', 'float16']);
  const back = f.tensors();
  t.deepEqual(Array.from(back.x!.dataSync()), Array.from(x.dataSync()));
  t.deepEqual(Array.from(back.n!.dataSync()), [1, 2, 3]);
  t.true(Math.abs(back.half!.dataSync()[3]! - 0.4) < 1e-3);
  ii.dispose(x, n, ...Object.values(back));
});

test('int64 values beyond int32 are an error, not a silent truncation', async (t) => {
  const bytes = await ii.writeSafetensors({ steps: { dtype: 'int64', shape: [1], data: [2 ** 40] } });
  t.throws(() => ii.readSafetensors(bytes).values('steps'), {
    instanceOf: ii.FormatError,
    message: "safetensors: tensor 'steps': int64 value 1099511627776 at element 0 does not fit int32; refusing to truncate",
  });
});

test('writing rejects values the storage dtype cannot hold and mismatched shapes', async (t) => {
  await t.throwsAsync(ii.writeSafetensors({ b: { dtype: 'uint8', shape: [1], data: [256] } }), {
    message: "safetensors: tensor 'b': value 256 at element 0 is not a uint8 (integer in [0, 255])",
  });
  await t.throwsAsync(ii.writeSafetensors({ b: { dtype: 'float32', shape: [2, 2], data: [1] } }), {
    message: "safetensors: tensor 'b': shape [2, 2] needs 4 values, got 1",
  });
});

const entry = (dtype: string, shape: number[], begin: number, end: number) => ({ dtype, shape, data_offsets: [begin, end] });

const malformed: Array<[string, Uint8Array, RegExp]> = [
  ['a file shorter than the length field', new Uint8Array(5), /file is 5 bytes, shorter than the 8-byte header length field/],
  ['an absurd declared header length', craft({}, 0, 2 ** 40), /declared header length 1099511627776 bytes exceeds the 104857600-byte limit/],
  ['a header length past the end of the file', craft({}, 0, 500), /declared header length 500 bytes exceeds the 2 bytes after the length field/],
  ['a header that is not JSON', craft('{"a": [1, 2'), /header is not valid UTF-8 JSON/],
  ['a header that is not an object', craft('[1, 2]'), /header must be a JSON object/],
  ['an unknown dtype', craft({ a: entry('F8_E4M3', [1], 0, 1) }, 1), /tensor 'a' has dtype "F8_E4M3"; supported: F32, I32, F16, BF16, F64, I64, U8/],
  ['a negative dimension', craft({ a: entry('F32', [-1], 0, 4) }, 4), /tensor 'a' has shape \[-1\]; expected an array of non-negative integers/],
  ['offsets past the data section', craft({ a: entry('F32', [4], 0, 16) }, 8), /tensor 'a' ends at byte 16, past the 8-byte data section \(truncated file\?\)/],
  ['begin after end', craft({ a: entry('F32', [0], 8, 4) }, 8), /tensor 'a' has data_offsets \[8, 4\] with begin after end/],
  ['a byte size that disagrees with the shape', craft({ a: entry('F32', [3], 0, 8) }, 8), /tensor 'a' spans 8 bytes but shape \[3\] of F32 needs 12/],
  ['overlapping tensors', craft({ a: entry('F32', [2], 0, 8), b: entry('F32', [2], 4, 12) }, 12), /tensor 'b' \(bytes 4..12\) overlaps another tensor ending at 8/],
  ['a gap between tensors', craft({ a: entry('F32', [1], 0, 4), b: entry('F32', [1], 8, 12) }, 12), /gap of 4 unclaimed bytes before tensor 'b' at 8/],
  ['trailing bytes no tensor claims', craft({ a: entry('F32', [1], 0, 4) }, 12), /data section is 12 bytes but the tensors cover 4/],
  ['non-string metadata', craft({ __metadata__: { epoch: 3 } }), /__metadata__\['epoch'\] must be a string, got number/],
  ['unknown entry fields', craft({ a: { ...entry('F32', [1], 0, 4), strides: [1] } }, 4), /tensor 'a' has unknown field\(s\) strides/],
  ['malformed data_offsets', craft({ a: { dtype: 'F32', shape: [1], data_offsets: [0] } }, 4), /tensor 'a' has data_offsets \[0\]; expected \[begin, end\]/],
];

for (const [what, bytes, message] of malformed) {
  test(`rejects ${what}`, (t) => {
    const err = t.throws(() => ii.readSafetensors(bytes), { instanceOf: ii.FormatError });
    t.regex(err?.message ?? '', message);
    t.true(err?.message.startsWith('safetensors: '));
  });
}

test('rejects a truncated copy of a real file', (t) => {
  const bytes = readFixtureBytes('internimage/dcnv3_core_basic.safetensors');
  t.throws(() => ii.readSafetensors(bytes.subarray(0, bytes.byteLength - 1)), { message: /past the 88064-byte data section|ends at byte/ });
});
