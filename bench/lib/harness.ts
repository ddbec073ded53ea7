// Shared by the benchmark suites: which backends to run, and where results go.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { setBackend } from '@internimage/core';
import { CANDIDATES, probeBackends } from '../../test/harness/backends.js';

/** Runs `fn` with each wanted backend active (all candidates by default); prints why unavailable ones are skipped. */
export async function forEachBackend(wanted: readonly string[] | undefined, fn: (backend: string) => Promise<void>): Promise<void> {
  const names = wanted ?? CANDIDATES.map((c) => c.name);
  for (const status of await probeBackends()) {
    if (!names.includes(status.name)) continue;
    if (!status.available) {
      console.log(`${status.name}: skipped (${status.reason})`);
      continue;
    }
    await setBackend(status.name);
    await fn(status.name);
  }
}

/** Writes bench/results/<suite>-<date>.json with the machine description and prints its path. */
export function writeResults(suite: string, rows: unknown[]): void {
  const machine = { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.arch()}` };
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/${suite}-${new Date().toISOString().slice(0, 10)}.json`;
  writeFileSync(file, JSON.stringify({ machine, date: new Date().toISOString(), rows }, null, 1));
  console.log(`wrote ${file}`);
}

/** Median of benchmark.js samples, in milliseconds. */
export function medianMs(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]! * 1e3;
}

/** How a backend runs here, for the results: the wasm kernels with or without fused multiply-add (relaxed SIMD). */
export async function backendMode(backend: string): Promise<string> {
  if (backend !== 'wasm') return 'reference';
  const { gemmUsesFma } = await import('@internimage/backend-wasm');
  return gemmUsesFma() ? 'relaxed-simd' : 'simd';
}
