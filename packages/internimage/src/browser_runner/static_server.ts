// A small static file server on 127.0.0.1 (a free port) for pages run in headless Chromium: folders mounted at URL
// prefixes, optionally with the headers that make a page cross-origin isolated (SharedArrayBuffer, wasm threads).
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png', '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg', '.css': 'text/css', '.map': 'application/json', '.svg': 'image/svg+xml', '.onnx': 'application/octet-stream',
};

export interface StaticServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  /** Request targets (path and query) so far, in order: tests count downloads with it. */
  readonly requests: string[];
  close(): Promise<void>;
}

export interface ServeOptions {
  /** Send Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (default true). */
  coopCoep?: boolean;
}

/** Serves `mounts` (URL prefix such as '/' or '/fixtures/' → folder); the longest matching prefix wins. */
export async function serveStatic(mounts: string | Readonly<Record<string, string>>, options: ServeOptions = {}): Promise<StaticServer> {
  const table = Object.entries(typeof mounts === 'string' ? { '/': mounts } : mounts)
    .map(([prefix, dir]) => [prefix.endsWith('/') ? prefix : `${prefix}/`, dir] as const)
    .sort((a, b) => b[0].length - a[0].length);
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(req.url ?? '/');
    if (options.coopCoep ?? true) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Cache-Control', 'no-store');
    const mount = table.find(([prefix]) => `${path}/`.startsWith(prefix) || path.startsWith(prefix));
    const file = mount && resolveInside(mount[1], path.slice(mount[0].length));
    let size = -1;
    try {
      if (file) size = statSync(file).isFile() ? statSync(file).size : -1;
    } catch { /* not found */ }
    if (!file || size < 0) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', 'content-length': size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** `relative` inside `dir`, or null when it would escape it. */
function resolveInside(dir: string, relative: string): string | null {
  const full = normalize(join(dir, relative || 'index.html'));
  return full === normalize(dir) || full.startsWith(normalize(dir).replace(/[\\/]?$/, sep)) ? full : null;
}
