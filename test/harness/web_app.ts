// The web app for end-to-end tests: built once into test/output/ and served by Vite's preview server (the app's own
// config: COOP/COEP headers) on a free loopback port.
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

const CONFIG = fileURLToPath(new URL('../../examples/web/vite.config.ts', import.meta.url));
const OUT_DIR = fileURLToPath(new URL('../output/web-dist', import.meta.url));

export interface ServedApp {
  url: string;
  close(): Promise<void>;
}

export async function buildAndServeWebApp(): Promise<ServedApp> {
  await build({ configFile: CONFIG, logLevel: 'error', build: { outDir: OUT_DIR } });
  const server = await preview({ configFile: CONFIG, logLevel: 'error', build: { outDir: OUT_DIR }, preview: { port: 0, strictPort: false } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a local URL');
  return { url, close: () => server.close() };
}
