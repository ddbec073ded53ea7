// Backends are chosen at run time and never substituted silently: ask for a list and get the first that works, or
// an error with every reason. The same op then runs on each available backend.
// Run: npm run example -- swap-backends
import * as ii from '@internimage/core';
import { BACKEND_NAMES, useBackend } from 'internimage';

console.log('backends this CLI knows:', BACKEND_NAMES.join(', '));
try {
  await ii.setBackend(['gpujs', 'cuda']);
} catch (e) {
  console.log(`asking for ['gpujs', 'cuda'] fails with every reason:\n${(e as Error).message}`);
}

const results: Record<string, Float32Array> = {};
for (const name of BACKEND_NAMES) {
  try {
    await useBackend(name);
  } catch (e) {
    console.log(`${name}: unavailable (${(e as Error).message})`);
    continue;
  }
  const out = ii.tidy(() => {
    const value = ii.tensor(Float32Array.from({ length: 2 * 6 * 6 * 8 }, (_, i) => Math.sin(i)), [2, 6, 6, 8]);
    const offset = ii.tensor(Float32Array.from({ length: 2 * 6 * 6 * 36 }, (_, i) => Math.cos(i)), [2, 6, 6, 36]);
    const mask = ii.softmax(ii.reshape(ii.zeros([2, 6, 6, 18]), [2, 6, 6, 2, 9]), -1);
    return ii.dcnv3(value, offset, ii.reshape(mask, [2, 6, 6, 18]), { group: 2, groupChannels: 4 });
  });
  results[name] = (await out.data()) as Float32Array;
  out.dispose();
  console.log(`${name}: dcnv3 ran on '${ii.getBackend()}', first values ${Array.from(results[name]!.slice(0, 3), (v) => v.toFixed(4)).join(', ')}`);
}
const [first, ...others] = Object.entries(results);
for (const [name, values] of others) console.log(`${name} vs ${first![0]}: relative L2 ${ii.relativeL2Error(values, first![1]).toExponential(2)}`);
