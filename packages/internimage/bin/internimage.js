#!/usr/bin/env node
// The CLI is written in TypeScript and compiled to dist/ by `npm run build` (run by `npm ci` through `prepare`).
try {
  await import('../dist/cli/main.js');
} catch (e) {
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('cli/main.js')) {
    console.error('internimage: the CLI is not built yet; run `npm run build` in the repository root');
    process.exit(2);
  }
  throw e;
}
