#!/usr/bin/env node
// Runs ava with TAP output, echoes it, and ends with the line CI reads: "ava: N passed, N failed, N skipped".
// Exits non-zero when a test failed, ava itself failed, or no test ran.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const ava = spawn(process.execPath, ['node_modules/ava/entrypoints/cli.mjs', '--tap', ...process.argv.slice(2)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let passed = 0;
let failed = 0;
let skipped = 0;
createInterface({ input: ava.stdout }).on('line', (line) => {
  console.log(line);
  if (/^not ok \d+/.test(line)) failed++;
  else if (/^ok \d+.*# SKIP/.test(line)) skipped++;
  else if (/^ok \d+/.test(line)) passed++;
});
ava.on('close', (code) => {
  const ranNothing = passed + failed === 0;
  if (ranNothing) console.log('no test ran');
  console.log(`ava: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(failed > 0 || code !== 0 || ranNothing ? 1 : 0);
});
