#!/usr/bin/env node
// npm run example -- <name>: runs examples/<name>.ts with tsx against the packages' sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const name = process.argv[2];
const available = readdirSync('examples').filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
if (!name || !existsSync(`examples/${name}.ts`)) {
  console.error(`usage: npm run example -- <name>\navailable: ${available.join(', ')}`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=source', `examples/${name}.ts`, ...process.argv.slice(3)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
