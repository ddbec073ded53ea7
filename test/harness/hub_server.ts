// A local stand-in for the Hugging Face Hub's `resolve` endpoint on 127.0.0.1, answering as the Hub does:
// LFS files: 302 to a content URL on another origin (a second port, as the Hub redirects to its storage host) with
// X-Linked-Etag (SHA-256), X-Linked-Size and X-Repo-Commit; other files: 200 with ETag = git blob SHA-1; content
// URLs honour Range. Every request is counted, and faults can be injected.
import test from 'ava';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Fault {
  /** Close the connection after this many bytes of the body (the announced length stays the full one). */
  cutAfter?: number;
  /** Announce the hash of other bytes. */
  wrongHash?: boolean;
  /** Answer a Range request with the whole file (200), as servers without range support do. */
  ignoreRange?: boolean;
}

interface HostedFile {
  bytes: Buffer;
  lfs: boolean;
  faults: Fault[];
}

export interface HubServer {
  endpoint: string;
  /** The origin content URLs point at. */
  storage: string;
  commit: string;
  /** Every request, as 'METHOD path' (with ' range=…' and ' auth=…' when those headers were sent). */
  requests: string[];
  host(repo: string, file: string, bytes: Uint8Array, options?: { lfs?: boolean }): void;
  /** Faults applied to the next requests for a file, one per request, in order. */
  inject(repo: string, file: string, ...faults: Fault[]): void;
  close(): Promise<void>;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const gitSha1 = (b: Uint8Array) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

export async function startHubServer(): Promise<HubServer> {
  const files = new Map<string, HostedFile>();
  const repos = new Set<string>();
  const byHash = new Map<string, { file: HostedFile; fault: Fault | undefined }>();
  const requests: string[] = [];
  const commit = createHash('sha1').update(String(Math.random())).digest('hex');
  let endpoint = '';
  let storage = '';

  const server = createServer((req, res) => {
    const range = req.headers.range;
    requests.push(`${req.method} ${req.url}${range ? ` range=${range}` : ''}${req.headers.authorization ? ` auth=${req.headers.authorization}` : ''}`);
    const url = new URL(req.url!, endpoint);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (resolve) {
      const [, repo, , file] = resolve;
      const hosted = files.get(`${repo}/${decodeURIComponent(file!)}`);
      if (!hosted) {
        res.writeHead(404, { 'X-Error-Code': repos.has(repo!) ? 'EntryNotFound' : 'RepositoryNotFound' }).end();
        return;
      }
      const fault = hosted.faults.shift();
      const hash = fault?.wrongHash ? sha256(Buffer.from('other bytes')) : sha256(hosted.bytes);
      if (hosted.lfs) {
        const key = `${hash}-${requests.length}`;
        byHash.set(key, { file: hosted, fault });
        res.writeHead(302, {
          Location: `${storage}/cdn/${key}`, 'X-Linked-Etag': `"${hash}"`, 'X-Linked-Size': String(hosted.bytes.length),
          'X-Repo-Commit': commit, ETag: `"${gitSha1(Buffer.from('pointer'))}"`, 'Content-Length': '0',
        }).end();
        return;
      }
      res.writeHead(200, { ETag: `"${gitSha1(hosted.bytes)}"`, 'X-Repo-Commit': commit, 'Content-Length': String(hosted.bytes.length) });
      res.end(req.method === 'HEAD' ? undefined : hosted.bytes);
      return;
    }
    // /plain/<repo>/<file>: a hosted file at an ordinary URL, outside the Hub's API.
    const plain = /^\/plain\/(.+)$/.exec(url.pathname);
    const plainFile = plain && files.get(decodeURIComponent(plain[1]!));
    const cdn = /^\/cdn\/(.+)$/.exec(url.pathname);
    const entry = plainFile ? { file: plainFile, fault: undefined } : cdn && byHash.get(cdn[1]!);
    if (!entry) {
      res.writeHead(404).end();
      return;
    }
    const { bytes } = entry.file;
    const partial = range !== undefined && !entry.fault?.ignoreRange;
    const start = partial ? Number(/^bytes=(\d+)-$/.exec(range)?.[1]) : 0;
    const body = bytes.subarray(start);
    res.writeHead(partial ? 206 : 200, {
      'Content-Length': String(body.length), ...(entry.fault?.ignoreRange ? {} : { 'Accept-Ranges': 'bytes' }), ETag: `"${sha256(bytes)}"`,
      ...(partial ? { 'Content-Range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` } : {}),
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const cut = entry.fault?.cutAfter;
    if (cut === undefined) {
      res.end(body);
      return;
    }
    // Close gracefully, a moment after the bytes went out: a client's stream may drop chunks it has not read yet
    // when the error arrives with them.
    res.write(body.subarray(0, cut), () => setTimeout(() => res.socket?.end(), 200));
  });
  const storageServer = createServer((req, res) => server.emit('request', req, res));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  await new Promise<void>((ok) => storageServer.listen(0, '127.0.0.1', ok));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  storage = `http://127.0.0.1:${(storageServer.address() as AddressInfo).port}`;
  return {
    endpoint, storage, commit, requests,
    host: (repo, file, bytes, options = {}) => {
      repos.add(repo);
      files.set(`${repo}/${file}`, { bytes: Buffer.from(bytes), lfs: options.lfs ?? true, faults: [] });
    },
    inject: (repo, file, ...faults) => files.get(`${repo}/${file}`)!.faults.push(...faults),
    close: async () => {
      for (const s of [server, storageServer]) {
        s.closeAllConnections();
        await new Promise<void>((ok) => s.close(() => ok()));
      }
    },
  };
}

/**
 * A hub server for the calling test file, and fresh Hugging Face cache folders: the server is closed and the folders
 * are removed after the file's tests.
 */
export async function hubForTestFile(): Promise<{ hub: HubServer; freshCache: () => string }> {
  const hub = await startHubServer();
  const temporary: string[] = [];
  test.after.always(async () => {
    await hub.close();
    for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
  });
  const freshCache = () => {
    const dir = mkdtempSync(join(tmpdir(), 'hf-cache-'));
    temporary.push(dir);
    return dir;
  };
  return { hub, freshCache };
}
