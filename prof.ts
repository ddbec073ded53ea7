import '@internimage/backend-wasm';
import * as ii from '@internimage/core';
import { InternImage, variantConfig } from 'internimage';
await ii.setBackend('wasm');
const model = InternImage.random(variantConfig('t'), { seed: 0 });
const x = ii.tensor(new Float32Array(3 * 224 * 224).map((_, i) => Math.sin(i)), [1, 3, 224, 224]);
for (let i = 0; i < 3; i++) model.classify(x).dispose();
const times = new Map<string, number>();
const orig = ii.engine.runKernel.bind(ii.engine);
(ii.engine as any).runKernel = (name: string, inputs: any, attrs: any) => {
  const t0 = performance.now(); const r = orig(name as any, inputs, attrs);
  const key = name === 'Unary' || name === 'Binary' || name === 'Reduce' ? `${name}:${attrs.op}` : name === 'Conv2D' ? `Conv2D:${attrs.groups > 1 ? 'dw' : 'dense'}` : name;
  times.set(key, (times.get(key) ?? 0) + performance.now() - t0); return r;
};
const runs = 5; let best = 1e9;
for (let i = 0; i < runs; i++) { const t0 = performance.now(); model.classify(x).dispose(); best = Math.min(best, performance.now() - t0); }
console.log('best', best.toFixed(0));
console.log([...times].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / runs).toFixed(0)}`).join('\n'));
