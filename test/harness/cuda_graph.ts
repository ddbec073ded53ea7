// The CudaGraph checks shared by the emulated addon (any machine) and the real one (GPU machines): replays equal the
// eager forward pass for several inputs in any order, leave memory() as it was, and a capture that breaks (here: a
// host upload inside the function) is aborted cleanly with the reason.
import type { ExecutionContext } from 'ava';
import * as ii from '@internimage/core';
import { CudaGraph } from '@internimage/backend-cuda';
import { InternImage, VARIANTS } from 'internimage';

const TINY = {
  ...VARIANTS.t, channels: 8, depths: [1, 1, 1, 1] as [number, number, number, number],
  groups: [1, 2, 4, 8] as [number, number, number, number], numClasses: 5,
};

export async function checkGraphReplay(t: ExecutionContext, backend: string): Promise<void> {
  await ii.setBackend(backend);
  const model = InternImage.random(TINY, { seed: 3 });
  const shape = [2, 3, 32, 32];
  const inputs = [0, 1, 2].map((k) => ii.tensor(Float32Array.from({ length: 2 * 3 * 32 * 32 }, (_, i) => Math.sin(i * 0.1 + k)), shape));
  const eager: Float32Array[] = [];
  for (const x of inputs) {
    const y = model.classify(x);
    eager.push((await y.data()) as Float32Array);
    y.dispose();
  }
  const before = ii.memory();
  const graph = CudaGraph.capture((x) => model.classify(x), shape);
  t.deepEqual(graph.outputShape, [2, 5]);
  for (const k of [1, 0, 2, 1]) {
    const y = graph.run(inputs[k]!);
    const got = await y.data();
    t.true(ii.relativeL2Error(got, eager[k]!) <= 1e-6, `input ${k}: relative L2 ${ii.relativeL2Error(got, eager[k]!)}`);
    y.dispose();
  }
  const wrong = ii.zeros([1, 3, 32, 32]);
  t.throws(() => graph.run(wrong), { message: /CudaGraph.run: input is float32 \[1,3,32,32\], the graph was captured for float32 \[2,3,32,32\]/ });
  wrong.dispose();
  graph.dispose();
  t.deepEqual(ii.memory(), before, 'the graph frees its buffers');

  t.throws(() => CudaGraph.capture((x) => ii.add(x, ii.tensor([1, 2, 3, 4], [4])), [4]),
    { message: /upload is not allowed while a CUDA graph is being captured/ });
  t.deepEqual(ii.memory(), before, 'a failed capture frees what it allocated');
  const y = ii.add(inputs[0]!, 1);
  t.true(Math.abs((await y.data())[0]! - 1) < 1e-6, 'the stream runs eagerly again after the failed capture');
  y.dispose();
  ii.dispose(...inputs);
  model.dispose();
}
