import * as ii from '@internimage/core';
import '@internimage/backend-wasm';
import { UperNetSegmentor, SEG_VARIANTS } from 'internimage';
await ii.setBackend('wasm');
const threads = Number(process.argv[2] ?? 1);
await (await import('@internimage/backend-wasm')).setThreads(threads);
const seg = UperNetSegmentor.random(SEG_VARIANTS.t, { seed: 0 });
const x = ii.tensor(new Float32Array(3 * 512 * 512).map(() => Math.random() * 2 - 1), [1, 3, 512, 512]);
for (let r = 0; r < 2; r++) {
  let t0 = performance.now();
  const f = seg.backbone.features(x, { layout: 'NHWC' });
  await f[3]!.data();
  const tb = performance.now() - t0;
  f.forEach((t) => t.dispose());
  t0 = performance.now();
  const l = seg.encodeDecode(x);
  await l.data();
  const ta = performance.now() - t0;
  l.dispose();
  console.log(`threads ${threads}: backbone ${tb.toFixed(0)} ms, encode_decode (backbone+head+resize) ${ta.toFixed(0)} ms, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
}
