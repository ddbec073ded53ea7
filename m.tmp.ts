import { TorchCheckpoint, PyDict } from '@internimage/core';
const ck = TorchCheckpoint.open('test/fixtures/segmentation/segmentation_tiny_l_slide.pth');
const root = ck.root as PyDict;
console.log([...root.map.keys()]);
const meta = root.map.get('meta') as PyDict;
for (const [k, v] of meta.map) console.log(k, typeof v, v?.constructor?.name, JSON.stringify(v, (_k, x) => typeof x === 'bigint' ? String(x) : x)?.slice(0, 1500));
