// Every script in examples/ runs to completion (as `npm run example:<name>` would run it).
import test from 'ava';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../..', import.meta.url));
for (const file of readdirSync(new URL('../../examples/', import.meta.url)).filter((f) => f.endsWith('.ts'))) {
  test(`examples/${file} runs`, async (t) => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--conditions=source', `examples/${file}`], { cwd: root });
    t.log(stdout.trim());
    t.true(stdout.length > 0);
  });
}
