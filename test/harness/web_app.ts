// The web app for end-to-end tests: built into test/output/ and served cross-origin isolated on a free loopback port.
import { fileURLToPath } from 'node:url';
import { serveStatic } from 'internimage/browser-runner';
import type { StaticServer } from 'internimage/browser-runner';
import { build } from 'vite';

const CONFIG = fileURLToPath(new URL('../../examples/web/vite.config.ts', import.meta.url));
const OUT_DIR = fileURLToPath(new URL('../output/web-dist/', import.meta.url));

export async function buildAndServeWebApp(): Promise<StaticServer> {
  await build({ configFile: CONFIG, logLevel: 'error', build: { outDir: OUT_DIR } });
  return serveStatic(OUT_DIR);
}
