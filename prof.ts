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
const t0 = performance.now(); for (let i = 0; i < 3; i++) model.classify(x).dispose(); console.log('total/3', ((performance.now() - t0) / 3).toFixed(0));
console.log([...times].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / 3).toFixed(0)}`).join('\n'));
