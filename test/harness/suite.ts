import test from 'ava';
import type { ExecutionContext } from 'ava';
import { memory, setBackend } from '@internimage/core';
import { probeBackends } from './backends.js';
import { gapReason } from './gaps.js';

export interface SuiteCase {
  name: string;
  run: (t: ExecutionContext, backend: string) => Promise<void>;
}

/**
 * Declares every case once per candidate backend. Each case runs with its backend active and must leave
 * memory() as it found it. Unavailable backends and listed gaps are declared skipped, with the reason in the title.
 */
export async function backendSuite(title: string, cases: readonly SuiteCase[]): Promise<void> {
  for (const status of await probeBackends()) {
    if (!status.available) {
      test.skip(`${status.name} | ${title} (skipped: ${status.reason})`, () => {});
      continue;
    }
    for (const c of cases) {
      const name = `${status.name} | ${title} | ${c.name}`;
      const gap = gapReason(status.name, c.name);
      if (gap) {
        test.skip(`${name} (skipped: ${gap})`, () => {});
        continue;
      }
      test.serial(name, async (t) => {
        await setBackend(status.name);
        const before = memory();
        await c.run(t, status.name);
        t.deepEqual(memory(), before, 'memory() must be unchanged after the case');
      });
    }
  }
}
