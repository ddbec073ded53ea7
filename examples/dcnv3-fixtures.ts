// Runs the DCNv3 operator on the official implementation's golden cases (test/fixtures/internimage) and prints the
// relative L2 error of each. Usage: npm start [-- --backend cpu]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as ii from '@internimage/core';

const { values: args } = parseArgs({ options: { backend: { type: 'string', default: 'cpu' } } });
const BACKEND_PACKAGES: Record<string, () => Promise<unknown>> = {
  cpu: () => import('@internimage/backend-cpu'),
};
const load = BACKEND_PACKAGES[args.backend];
if (!load) {
  console.error(`unknown backend '${args.backend}' (available: ${Object.keys(BACKEND_PACKAGES).join(', ')})`);
  process.exit(2);
}
await load();
await ii.setBackend(args.backend);

const dir = new URL('../test/fixtures/internimage/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as {
  cases: Array<Record<string, number | string | boolean>>;
};
let failed = 0;
for (const c of manifest.cases.filter((x) => x.kind === 'dcnv3_core')) {
  const file = ii.readSafetensors(new Uint8Array(readFileSync(new URL(String(c.file), dir))));
  const started = performance.now();
  const { input, offset, mask } = file.tensors(['input', 'offset', 'mask']);
  const out = ii.dcnv3(input!, offset!, mask!, {
    kernelSize: Number(c.kernel), stride: Number(c.stride), padding: Number(c.pad), dilation: Number(c.dilation),
    group: Number(c.group), groupChannels: Number(c.group_channels), offsetScale: Number(c.offset_scale),
    removeCenter: Boolean(c.remove_center),
  });
  const err = ii.relativeL2Error(await out.data(), file.values('output').data);
  ii.dispose(input, offset, mask, out);
  const ok = err <= 1e-5;
  if (!ok) failed++;
  console.log(`${ok ? 'pass' : 'FAIL'}  ${String(c.file).padEnd(40)} rel L2 ${err.toExponential(2)}  ${(performance.now() - started).toFixed(1)} ms`);
}
console.log(`backend ${ii.getBackend()}: ${failed === 0 ? 'every DCNv3 case matches the official implementation' : `${failed} case(s) differ`}`);
process.exit(failed ? 1 : 0);
