import { BATCH_USAGE, batch } from './batch.js';
import { BENCH_USAGE, bench } from './bench.js';
import { CHECK_FIXTURES_USAGE, checkFixtures } from './check_fixtures.js';
import { CLASSIFY_USAGE, classify } from './classify.js';
import { CONVERT_USAGE, convert } from './convert.js';
import { DEMO_USAGE, demo } from './demo.js';
import { DOWNLOAD_USAGE, download } from './download.js';
import { FEATURES_USAGE, features } from './features.js';
import { INSPECT_USAGE, inspect } from './inspect.js';
import { MODELS_USAGE, models } from './models.js';
import { SERVE_USAGE, serve } from './serve.js';
import { SEGMENT_USAGE, segment } from './segment.js';
import { UsageError } from './usage_error.js';
import { VISUALIZE_USAGE, visualize } from './visualize.js';
import { WORKER_USAGE, worker } from './worker.js';

const COMMANDS: Record<string, { usage: string; run: (argv: string[]) => Promise<number> }> = {
  demo: { usage: DEMO_USAGE, run: demo },
  classify: { usage: CLASSIFY_USAGE, run: classify },
  features: { usage: FEATURES_USAGE, run: features },
  visualize: { usage: VISUALIZE_USAGE, run: visualize },
  segment: { usage: SEGMENT_USAGE, run: segment },
  'check-fixtures': { usage: CHECK_FIXTURES_USAGE, run: checkFixtures },
  inspect: { usage: INSPECT_USAGE, run: inspect },
  bench: { usage: BENCH_USAGE, run: bench },
  convert: { usage: CONVERT_USAGE, run: convert },
  models: { usage: MODELS_USAGE, run: models },
  download: { usage: DOWNLOAD_USAGE, run: download },
  serve: { usage: SERVE_USAGE, run: serve },
  worker: { usage: WORKER_USAGE, run: worker },
  batch: { usage: BATCH_USAGE, run: batch },
};

const USAGE = `usage: internimage <command> [options]

commands:
${Object.values(COMMANDS).map((c) => `  ${c.usage.split('\n')[0]}`).join('\n')}

Run 'internimage <command> --help' for a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`internimage: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    console.error(`internimage ${name}: ${e instanceof Error ? e.message : String(e)}${usage ? `\n\n${command.usage}` : ''}`);
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));
