import * as ii from '@internimage/core';
import '@internimage/backend-wasm';
import { UperNetSegmentor, SEG_VARIANTS } from 'internimage';
await ii.setBackend('wasm');
const seg = UperNetSegmentor.random(SEG_VARIANTS.t, { seed: 0 });
const size = Number(process.argv[2] ?? 256);
const x = ii.tensor(new Float32Array(3 * size * size).map(() => Math.random() * 2 - 1), [1, 3, size, size]);
seg.encodeDecode(x).dispose();
const times = new Map<string, number>();
const orig = ii.engine.runKernel.bind(ii.engine);
(ii.engine as any).runKernel = (name: string, inputs: any, attrs: any) => {
  const t0 = performance.now(); const r = orig(name as any, inputs, attrs);
  const key = name === 'Conv2D' ? `Conv2D:${attrs.groups > 1 ? 'dw' : `k${attrs.kH} in${attrs.inChannels} ${attrs.outH}x${attrs.outW}`}` : name === 'Linear' ? `Linear:${inputs.x.shape.join('x')}` : name;
  times.set(key, (times.get(key) ?? 0) + performance.now() - t0); return r;
};
const t0 = performance.now(); seg.encodeDecode(x).dispose(); console.log('total', (performance.now() - t0).toFixed(0));
console.log([...times].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${k} ${v.toFixed(0)}`).join('\n'));
