// Backend and kernel registries, tensor lifetime (dispose, tidy, keep, Symbol.dispose) and memory accounting.
import test from 'ava';
import * as ii from '@internimage/core';
import type { Backend, DataId, DType, TypedArray } from '@internimage/core';
import '@internimage/backend-cpu';
import { TypedArrayBackend } from '@internimage/backend-cpu/shared';

/** Storage without kernels and without synchronous reads. */
class BareBackend implements Backend {
  private readonly store = new Map<DataId, TypedArray>();
  constructor(readonly name: string) {}
  write(values: TypedArray, _shape: readonly number[], _dtype: DType): DataId {
    const id = {};
    this.store.set(id, values.slice());
    return id;
  }
  async read(id: DataId): Promise<TypedArray> {
    return this.store.get(id)!;
  }
  disposeData(id: DataId): void {
    this.store.delete(id);
  }
  memory() {
    return { buffers: this.store.size, bytes: 0 };
  }
  dispose(): void {
    this.store.clear();
  }
}

ii.registerBackend('bare', () => new BareBackend('bare'));
ii.registerBackend('broken', () => {
  throw new Error('no adapter found');
});
ii.registerBackend('broken-async', async () => {
  throw new Error('driver too old');
});
await ii.setBackend('cpu');

test.serial('listBackends lists registered names by priority', (t) => {
  t.deepEqual(ii.listBackends(), ['cpu', 'bare', 'broken', 'broken-async']);
});

test.serial('setBackend of an unavailable backend throws its reason and keeps the active one', async (t) => {
  const err = await t.throwsAsync(ii.setBackend('broken'), { instanceOf: ii.BackendUnavailableError });
  t.is(err?.message, "backend 'broken' is unavailable: no adapter found");
  t.is(ii.getBackend(), 'cpu');
});

test.serial('setBackend with a list reports every reason when none initialises', async (t) => {
  const err = await t.throwsAsync(ii.setBackend(['broken', 'broken-async', 'missing']));
  t.is(
    err?.message,
    'no backend could be initialised:\n  broken: no adapter found\n  broken-async: driver too old\n' +
      '  missing: not registered (registered: cpu, bare, broken, broken-async; import its package first)',
  );
});

test.serial('setBackend with a list takes the first that initialises, never one that was not named', async (t) => {
  t.is(await ii.setBackend(['broken', 'bare']), 'bare');
  t.is(ii.getBackend(), 'bare');
  await ii.setBackend('cpu');
});

test.serial('a missing kernel names the kernel and the backend', async (t) => {
  await ii.setBackend('bare');
  const x = ii.tensor([1, 2]);
  t.throws(() => ii.relu(x), { instanceOf: ii.KernelNotFoundError, message: "kernel 'Unary' is not implemented by backend 'bare'" });
  t.throws(() => x.dataSync(), { message: "dataSync: backend 'bare' reads asynchronously only; use 'await tensor.data()'" });
  t.deepEqual(Array.from(await x.data()), [1, 2]);
  x.dispose();
  await ii.setBackend('cpu');
});

test.serial('inputs on another backend are rejected; moveTo copies them over', async (t) => {
  await ii.setBackend('bare');
  const onBare = ii.tensor([-1, 2]);
  await ii.setBackend('cpu');
  t.throws(() => ii.relu(onBare), { message: /^Unary: input 'x' lives on backend 'bare' but the active backend is 'cpu'/ });
  const moved = await ii.moveTo(onBare, 'cpu');
  const y = ii.relu(moved);
  t.deepEqual(Array.from(y.dataSync()), [0, 2]);
  ii.dispose(onBare, moved, y);
});

test.serial('kernels cannot be registered twice', (t) => {
  t.throws(() => ii.registerKernel({ kernelName: 'Unary', backendName: 'cpu', kernelFunc: () => { throw new Error(); } }), {
    message: "kernel 'Unary' is already registered for backend 'cpu'",
  });
  t.true(ii.hasKernel('DCNv3', 'cpu'));
  t.deepEqual(ii.listKernels('bare'), []);
});

test.serial('memory() counts tensors and bytes per backend; reshape shares data', (t) => {
  const before = ii.memory();
  const a = ii.zeros([4, 8]);
  const b = ii.reshape(a, [32]);
  const after = ii.memory();
  t.is(after.tensors - before.tensors, 2);
  t.is(after.bytes - before.bytes, 128, 'a reshape shares its buffer');
  t.is(after.backends.cpu!.buffers - before.backends.cpu!.buffers, 1);
  a.dispose();
  t.deepEqual(Array.from(b.dataSync()), new Array(32).fill(0), 'data stays alive while a view holds it');
  b.dispose();
  t.deepEqual(ii.memory(), before);
});

test.serial('dispose is idempotent and a disposed tensor cannot be read', async (t) => {
  const a = ii.tensor([1]);
  a.dispose();
  a.dispose();
  t.true(a.isDisposed);
  await t.throwsAsync(a.data(), { message: 'data: tensor [1] float32 has been disposed' });
});

test.serial('Symbol.dispose disposes', (t) => {
  const before = ii.memory().tensors;
  const a = ii.tensor([1, 2, 3]);
  a[Symbol.dispose]();
  t.true(a.isDisposed);
  t.is(ii.memory().tensors, before);
});

test.serial('tidy disposes intermediates, returns results, and honours keep()', (t) => {
  const before = ii.memory().tensors;
  let kept: ii.Tensor | undefined;
  const { out, list } = ii.tidy(() => {
    const x = ii.tensor([1, -2, 3]);
    const y = ii.relu(x);
    kept = ii.keep(ii.neg(x));
    const inner = ii.tidy(() => ii.add(y, ii.tensor([1, 1, 1])));
    return { out: ii.mul(inner, 2), list: [y] };
  });
  t.deepEqual(Array.from(out.dataSync()), [4, 2, 8]);
  t.false(list[0]!.isDisposed);
  t.false(kept!.isDisposed);
  t.is(ii.memory().tensors - before, 3);
  ii.dispose(out, list[0], kept);
  t.is(ii.memory().tensors, before);
});

test.serial('tidy disposes what it made when the function throws', (t) => {
  const before = ii.memory().tensors;
  t.throws(() => ii.tidy(() => {
    ii.zeros([3]);
    throw new Error('boom');
  }), { message: 'boom' });
  t.is(ii.memory().tensors, before);
});

test.serial('tidy refuses async functions', (t) => {
  t.throws(() => ii.tidy((async () => ii.zeros([1])) as never), { message: /tidy only tracks synchronous work/ });
});

test.serial('tensors are immutable: written values are copied', (t) => {
  const src = new Float32Array([1, 2]);
  const a = ii.tensor(src);
  src[0] = 99;
  const read = a.dataSync();
  read[1] = 42;
  t.deepEqual(Array.from(a.dataSync()), [1, 2]);
  a.dispose();
});

test.serial('cpu outputs are poisoned before kernels write them', (t) => {
  const cpu = new TypedArrayBackend();
  const { out } = cpu.alloc([3], 'float32');
  t.true(Array.from(out).every(Number.isNaN));
  cpu.dispose();
});

test.serial('tensor() infers shapes and dtypes', async (t) => {
  const a = ii.tensor([[1, 2, 3], [4, 5, 6]]);
  const b = ii.tensor(new Int32Array([7, 8]));
  const s = ii.scalar(3);
  t.deepEqual([a.shape, a.dtype, b.shape, b.dtype, s.shape, s.rank], [[2, 3], 'float32', [2], 'int32', [], 0]);
  t.deepEqual(await a.array(), [[1, 2, 3], [4, 5, 6]]);
  t.is(String(a), 'Tensor([2, 3], float32, cpu)');
  ii.dispose(a, b, s);
});

test.serial('profile() times every kernel dispatch of fn, by kernel (and op), and returns its result', async (t) => {
  const x = ii.tensor([-1, 2, -3]);
  const { result, kernels, clock } = await ii.profile(async () => {
    const y = ii.tidy(() => ii.add(ii.relu(x), ii.relu(ii.neg(x))));
    return Array.from(await y.data());
  });
  t.deepEqual(result, [1, 2, 3]);
  t.is(clock, 'host');
  t.deepEqual(kernels.map((k) => [k.kernel, k.calls]).sort(), [['Binary:add', 1], ['Unary:neg', 1], ['Unary:relu', 2]]);
  t.true(kernels.every((k) => k.ms >= 0));
  t.deepEqual((await ii.profile(() => 1)).kernels, [], 'nothing is timed outside profile()');
  await t.throwsAsync(ii.profile(() => ii.profile(() => 0)), { message: /profile\(\) calls cannot be nested/ });
  x.dispose();
});
