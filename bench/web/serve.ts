// Serves the built benchmark page with Vite's preview server (COOP/COEP headers from the app's config), plus the two
// big files it loads that are not part of the build: the ONNX export (/peers/) and onnxruntime-web's .wasm (/ort/).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { preview } from 'vite';
import { ISOLATION_HEADERS } from '../../examples/web/vite.config.js';

const MOUNTS: Record<string, string> = {
  '/peers/': fileURLToPath(new URL('../peers/', import.meta.url)),
  '/ort/': fileURLToPath(new URL('../../node_modules/onnxruntime-web/dist/', import.meta.url)),
};
const TYPES: Record<string, string> = { '.wasm': 'application/wasm', '.mjs': 'text/javascript', '.onnx': 'application/octet-stream' };

const mountedFiles: Plugin = {
  name: 'bench-mounted-files',
  configurePreviewServer(server) {
    server.middlewares.use((req, res, next) => {
      const path = decodeURIComponent((req.url ?? '').split('?')[0]!);
      const mount = Object.keys(MOUNTS).find((m) => path.startsWith(m));
      // Only plain names inside the mounted folder.
      const file = mount ? join(MOUNTS[mount]!, basename(path)) : '';
      if (!mount || !existsSync(file) || !statSync(file).isFile()) return next();
      const ext = file.slice(file.lastIndexOf('.'));
      res.writeHead(200, { ...ISOLATION_HEADERS, 'Content-Type': TYPES[ext] ?? 'application/octet-stream', 'Content-Length': statSync(file).size });
      createReadStream(file).pipe(res);
    });
  },
};

export async function servePage(configFile: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = await preview({ configFile, logLevel: 'warn', plugins: [mountedFiles], preview: { port: 0, strictPort: false } });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview did not report a local URL');
  return { url, close: () => server.close() };
}
