// One answer to "which file do these weights mean?": a published name, hf://<repo>/<file>, a URL or a path becomes a
// local path, downloading into the Hugging Face cache only what is not there yet.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { blobPath, cachedFile, hubCacheDir, linkSnapshot, repoCacheDir } from './cache.js';
import type { DownloadProgress } from './download.js';
import { DownloadError, downloadVerified, headFile } from './download.js';
import type { PublishedCheckpoint } from './registry.js';
import { parseWeightsSpec, resolveUrl } from './registry.js';
import { withLock } from './lock.js';

export interface HubOptions {
  /** Called as bytes arrive (not called when the file is already cached). */
  onProgress?: DownloadProgress;
  /** Only the cache, never the network (default: HF_HUB_OFFLINE). */
  offline?: boolean;
  /** The Hub's address (default: HF_ENDPOINT, else https://huggingface.co). */
  endpoint?: string;
  /** Access token for private or gated repositories (default: HF_TOKEN, else the token `huggingface-cli login` saved). */
  token?: string;
  /** The cache folder (default: HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub). */
  cacheDir?: string;
}

export interface ResolvedWeights {
  path: string;
  /** The registry entry, when the weights were named by it. */
  checkpoint: PublishedCheckpoint | null;
  /** Where the file came from: given as a path, found in the cache, or downloaded now. */
  source: 'path' | 'cache' | 'download';
}

const TRUE_VALUES = new Set(['1', 'on', 'yes', 'true']);

/** HF_HUB_OFFLINE as huggingface_hub reads it (1/ON/YES/TRUE). */
export function hubOffline(): boolean {
  return TRUE_VALUES.has((process.env.HF_HUB_OFFLINE ?? '').toLowerCase());
}

export function hubEndpoint(): string {
  return (process.env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, '');
}

async function hubToken(): Promise<string | undefined> {
  if (process.env.HF_TOKEN) return process.env.HF_TOKEN;
  const path = process.env.HF_TOKEN_PATH ?? join(process.env.HF_HOME ?? join(homedir(), '.cache', 'huggingface'), 'token');
  return (await readFile(path, 'utf8').catch(() => ''))?.trim() || undefined;
}

const USER_AGENT = 'internimage-js; @huggingface/hub-cache-layout';

/** What to type to get `spec` into the cache ahead of time. */
export const downloadCommand = (spec: string) => `internimage download ${spec}`;

function offlineMiss(spec: string, where: string): DownloadError {
  return new DownloadError(`${spec} is not in the cache (${where}) and HF_HUB_OFFLINE is set, so it cannot be downloaded: ` +
    `run '${downloadCommand(spec)}' where the Hub is reachable, or unset HF_HUB_OFFLINE`);
}

/**
 * A file of a Hub model repository as a local path: the cached snapshot when there is one (no request at all),
 * else downloaded, verified against the Hub's hash, and cached in the layout huggingface_hub uses.
 */
export async function hubFile(repo: string, file: string, revision: string, options: HubOptions = {}, label = `hf://${repo}/${file}`): Promise<{ path: string; source: 'cache' | 'download' }> {
  const cacheDir = options.cacheDir ?? hubCacheDir();
  const cached = await cachedFile(repo, file, revision, cacheDir);
  if (cached) return { path: cached, source: 'cache' };
  if (options.offline ?? hubOffline()) throw offlineMiss(label, cacheDir);

  const endpoint = (options.endpoint ?? hubEndpoint()).replace(/\/+$/, '');
  const token = options.token ?? (await hubToken());
  const auth: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const remote = await headFile(resolveUrl(endpoint, repo, revision, file), { ...auth, 'User-Agent': USER_AGENT }, label);
  if (!remote.commit) throw new DownloadError(`${label}: the Hub's answer has no X-Repo-Commit header, so the file cannot be placed in the cache`);
  const repoDir = repoCacheDir(repo, cacheDir);
  // requireHash (the default) guarantees an ETag.
  const blob = blobPath(repoDir, remote.etag!);
  if (!existsSync(blob)) {
    await mkdir(dirname(blob), { recursive: true });
    await withLock(`${blob}.incomplete.lock`, async () => {
      if (existsSync(blob)) return; // another process finished it while this one waited
      // The token goes only to the Hub itself, never to the storage host it redirects to.
      const sameHost = new URL(remote.contentUrl).origin === new URL(endpoint).origin;
      await downloadVerified(remote, blob, { headers: { ...(sameHost ? auth : {}), 'User-Agent': USER_AGENT }, name: file, onProgress: options.onProgress });
    });
  }
  return { path: await linkSnapshot(repoDir, revision, remote.commit, file, blob), source: 'download' };
}

/** Where a plain URL's file is kept: INTERNIMAGE_CACHE (default ~/.cache/internimage)/urls/<hash of the URL>/<name>. */
export function urlCachePath(url: string): string {
  const root = process.env.INTERNIMAGE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'internimage');
  const key = createHash('sha256').update(url).digest('hex').slice(0, 16);
  return join(root, 'urls', key, basename(new URL(url).pathname) || 'weights');
}

async function urlFile(url: string, options: HubOptions): Promise<{ path: string; source: 'cache' | 'download' }> {
  const path = urlCachePath(url);
  if ((await stat(path).catch(() => null))?.isFile()) return { path, source: 'cache' };
  if (options.offline ?? hubOffline()) throw offlineMiss(url, path);
  const remote = await headFile(url, { 'User-Agent': USER_AGENT }, url, { requireHash: false });
  await mkdir(dirname(path), { recursive: true });
  await withLock(`${path}.incomplete.lock`, async () => {
    if (existsSync(path)) return;
    await downloadVerified(remote, path, { headers: { 'User-Agent': USER_AGENT }, name: basename(path), onProgress: options.onProgress });
  });
  return { path, source: 'download' };
}

/**
 * A `weights` argument as a local file: a published name (see CHECKPOINTS), `hf://<owner>/<repo>[@<revision>]/<file>`,
 * a URL (a Hub `resolve` URL is cached like hf://), or a path (returned as is).
 */
export async function resolveWeights(spec: string, options: HubOptions = {}): Promise<ResolvedWeights> {
  const parsed = parseWeightsSpec(spec, existsSync);
  switch (parsed.kind) {
    case 'path':
      return { path: parsed.path, checkpoint: null, source: 'path' };
    case 'published': {
      const { repo, file, name } = parsed.checkpoint;
      return { ...(await hubFile(repo, file, 'main', options, name)), checkpoint: parsed.checkpoint };
    }
    case 'hub':
      return { ...(await hubFile(parsed.repo, parsed.file, parsed.revision, options, spec)), checkpoint: null };
    case 'url':
      return { ...(await urlFile(parsed.url, options)), checkpoint: null };
  }
}

/** The cached file of a published checkpoint, or null; never touches the network. */
export async function cachedCheckpoint(checkpoint: PublishedCheckpoint, cacheDir?: string): Promise<string | null> {
  return cachedFile(checkpoint.repo, checkpoint.file, 'main', cacheDir);
}
