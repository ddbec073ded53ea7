import { parseArgs } from 'node:util';
import { hubCacheDir } from '../hub/cache.js';
import { CHECKPOINTS } from '../hub/registry.js';
import { cachedCheckpoint } from '../hub/resolve.js';

export const MODELS_USAGE = `internimage models [--json]

Lists the published InternImage checkpoints that --weights accepts by name, marking (*) those already in the
Hugging Face cache (HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub). Looks at the cache only.
  --json   print [{"name", "repo", "file", "task", "variant", "inputSize", "labelSet", "cached": path|null}]`;

export async function models(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } } });
  const rows = await Promise.all(CHECKPOINTS.map(async (c) => ({ ...c, cached: await cachedCheckpoint(c) })));
  if (values.json) {
    console.log(JSON.stringify(rows));
    return 0;
  }
  const width = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    console.log(`${r.cached ? '*' : ' '} ${r.name.padEnd(width)}  ${r.task.padEnd(14)} ${r.variant.toUpperCase().padEnd(2)} @${String(r.inputSize).padEnd(4)} ${r.labelSet.padEnd(12)} ${r.pretrain}`);
  }
  console.log(`\n* = in the cache (${hubCacheDir()}); the others download on first use, or ahead of time with 'internimage download <name…>'`);
  return 0;
}
