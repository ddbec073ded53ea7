import { parseArgs } from 'node:util';
import { hubLabels } from '../hub/labels.js';
import { parseWeightsSpec } from '../hub/registry.js';
import { resolveWeights } from '../hub/resolve.js';
import { byteProgress } from './progress.js';
import { UsageError } from './usage_error.js';

export const DOWNLOAD_USAGE = `internimage download <name|hf://owner/repo/file|url…>

Fetches checkpoints into the Hugging Face cache ahead of time (verified against the Hub's SHA-256), so that later
runs, offline ones included (HF_HUB_OFFLINE=1), find them. Names: see 'internimage models'. Files already cached
are not fetched again. Honours HF_ENDPOINT, HF_TOKEN, HF_HUB_CACHE and HF_HOME.`;

export async function download(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, options: {} });
  if (positionals.length === 0) throw new UsageError('expected at least one checkpoint name (see internimage models)');
  let failed = 0;
  for (const spec of positionals) {
    const progress = byteProgress(`downloading ${spec}`, { rate: true });
    try {
      if (parseWeightsSpec(spec).kind === 'path') throw new UsageError(`'${spec}' is a local path: nothing to download`);
      const { path, source, checkpoint } = await resolveWeights(spec, { onProgress: progress.update });
      progress.stop();
      console.log(`${spec}: ${source === 'cache' ? 'already in the cache' : 'downloaded and verified'}: ${path}`);
      // Class names the package does not bundle are fetched now too, so an offline run has them.
      if (checkpoint?.labelsRepo) console.log(`  ${(await hubLabels(checkpoint)).note}`);
    } catch (e) {
      progress.stop();
      if (e instanceof UsageError) throw e;
      console.error(`${spec}: ${(e as Error).message}`);
      failed++;
    }
  }
  return failed ? 1 : 0;
}
