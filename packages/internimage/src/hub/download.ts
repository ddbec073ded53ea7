// HTTP for the Hub's `resolve` endpoint, as huggingface_hub speaks it: a HEAD request gives the file's hash
// (X-Linked-Etag for LFS files, ETag otherwise), size, commit and content URL; a GET of that URL fills
// <blob>.incomplete, resuming with a Range request when a previous attempt left part of it; the bytes are hashed as
// they arrive and the file becomes <blob> only when the hash matches.
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Bytes received so far and in total, and the file's name. */
export type DownloadProgress = (loadedBytes: number, totalBytes: number, name: string) => void;

export class DownloadError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'DownloadError';
  }
}

export class IntegrityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IntegrityError';
  }
}

export interface RemoteFile {
  /** Where the bytes are (the redirect target of `resolve`, or the URL itself). */
  contentUrl: string;
  /**
   * The hash the server vouches for, without quotes: SHA-256 (64 hex) or a git blob SHA-1 (40 hex); null for a plain
   * URL whose server vouches for none (then only the size is checked, and an interrupted download starts over).
   */
  etag: string | null;
  size: number;
  /** X-Repo-Commit: the commit the revision resolved to (null outside the Hub). */
  commit: string | null;
}

const MAX_REDIRECTS = 5;

function normalizeEtag(value: string | null): string | null {
  return value ? value.replace(/^W\//, '').replace(/^"(.*)"$/, '$1') : null;
}

async function request(url: string, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new DownloadError(`cannot reach ${new URL(url).origin} for ${what}: ${cause?.code ?? cause?.message ?? (e as Error).message} ` +
      '(check the network, HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use only the local cache)');
  }
}

function hubError(res: Response, what: string): DownloadError {
  const code = res.headers.get('x-error-code');
  const hint =
    code === 'EntryNotFound' ? 'the file does not exist in the repository at this revision' :
    code === 'RevisionNotFound' ? 'the revision does not exist' :
    code === 'RepositoryNotFound' || res.status === 401 ? 'the repository does not exist, or it is private or gated: set HF_TOKEN to a token that can read it' :
    res.status === 403 ? 'access denied: the repository may be gated (accept its terms on the Hub) or HF_TOKEN lacks read access' :
    res.status === 404 ? 'not found' : res.statusText;
  return new DownloadError(`${what}: HTTP ${res.status} (${hint})`, res.status);
}

/**
 * HEAD of a `resolve` URL: follows relative redirects (renamed repositories) and reads the metadata from the last
 * response, whose absolute Location, if any, is the content URL (as huggingface_hub's get_hf_file_metadata does).
 */
export async function headFile(url: string, headers: Record<string, string>, what: string, options: { requireHash?: boolean } = {}): Promise<RemoteFile> {
  const requireHash = options.requireHash ?? true;
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const res = await request(current, { method: 'HEAD', redirect: 'manual', headers: { ...headers, 'Accept-Encoding': 'identity' } }, what);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(location)) {
        current = new URL(location, current).href;
        continue;
      }
    } else if (!res.ok) {
      throw hubError(res, what);
    }
    const announced = normalizeEtag(res.headers.get('x-linked-etag') ?? res.headers.get('etag'));
    const etag = announced && (requireHash || HASH_ETAG.test(announced)) ? announced : null;
    const size = Number(res.headers.get('x-linked-size') ?? res.headers.get('content-length'));
    if (!etag && requireHash) throw new DownloadError(`${what}: the server sent no ETag, so the download cannot be verified`);
    if (!Number.isSafeInteger(size) || size < 0) throw new DownloadError(`${what}: the server sent no usable size (X-Linked-Size / Content-Length)`);
    return {
      contentUrl: location ? new URL(location, current).href : current,
      etag, size, commit: res.headers.get('x-repo-commit'),
    };
  }
  throw new DownloadError(`${what}: more than ${MAX_REDIRECTS} redirects`);
}

const HASH_ETAG = /^(?:[0-9a-f]{64}|[0-9a-f]{40})$/;

/** A hash of the file's bytes comparable with the ETag: SHA-256 for LFS files, the git blob SHA-1 for the others. */
function hasherFor(etag: string, size: number, what: string): Hash {
  if (/^[0-9a-f]{64}$/.test(etag)) return createHash('sha256');
  if (/^[0-9a-f]{40}$/.test(etag)) return createHash('sha1').update(`blob ${size}\0`);
  throw new IntegrityError(`${what}: the ETag '${etag}' is neither a SHA-256 nor a git blob hash, so the download cannot be verified`);
}

async function hashPrefix(hash: Hash, path: string): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

/**
 * Downloads `remote` into `destination`, verified: the bytes go to `<destination>.incomplete` (resumed from where
 * an earlier attempt stopped when the server honours Range) and are renamed into place only when their size and
 * hash match. A hash mismatch deletes the partial file; an interruption keeps it for the next attempt.
 */
export async function downloadVerified(remote: RemoteFile, destination: string, options: {
  headers: Record<string, string>;
  name: string;
  onProgress?: DownloadProgress;
}): Promise<void> {
  const { name, onProgress } = options;
  const partial = `${destination}.incomplete`;
  await mkdir(dirname(destination), { recursive: true });
  let have = (await stat(partial).catch(() => null))?.size ?? 0;
  if (have > remote.size || remote.etag === null) {
    await rm(partial, { force: true });
    have = 0;
  }
  const headers = { ...options.headers, 'Accept-Encoding': 'identity', ...(have > 0 ? { Range: `bytes=${have}-` } : {}) };
  const res = await request(remote.contentUrl, { headers }, name);
  if (res.status === 206) {
    const start = Number(/^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '')?.[1]);
    if (start !== have) throw new DownloadError(`${name}: asked to resume at byte ${have}, the server answered from byte ${start}`);
  } else if (res.status === 200) {
    have = 0; // the server ignored Range: start over
  } else {
    throw hubError(res, name);
  }
  const hash = remote.etag === null ? null : hasherFor(remote.etag, remote.size, name);
  if (have > 0 && hash) await hashPrefix(hash, partial);
  const out = await open(partial, have > 0 ? 'a' : 'w');
  let loaded = have;
  try {
    onProgress?.(loaded, remote.size, name);
    for await (const chunk of (res.body ?? []) as unknown as AsyncIterable<Uint8Array>) {
      const bytes = chunk as Uint8Array;
      loaded += bytes.length;
      if (loaded > remote.size) throw new IntegrityError(`${name}: the server sent more than the announced ${remote.size} bytes`);
      hash?.update(bytes);
      await out.write(bytes);
      onProgress?.(loaded, remote.size, name);
    }
  } catch (e) {
    await out.close();
    if (e instanceof IntegrityError) {
      await rm(partial, { force: true });
      throw e;
    }
    const reason = (e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message;
    throw new DownloadError(`${name}: the download was interrupted after ${loaded} of ${remote.size} bytes (${reason}); ` +
      'run the same command again to resume it');
  }
  await out.close();
  if (loaded < remote.size) {
    throw new DownloadError(`${name}: the connection closed after ${loaded} of ${remote.size} bytes; run the same command again to resume it`);
  }
  const actual = hash?.digest('hex');
  if (hash && actual !== remote.etag) {
    await rm(partial, { force: true });
    throw new IntegrityError(`${name}: the downloaded bytes hash to ${actual}, the server announced ${remote.etag}; the file was discarded, try again`);
  }
  await rename(partial, destination);
}
