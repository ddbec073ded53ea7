// Bytes from a URL with progress, kept in the browser's Cache API (when the runtime has one) so that a reload does
// not download them again. Only a complete download is stored: a failed or cut-short one leaves nothing behind.

export interface FetchOptions {
  /** Called as bytes arrive: bytes so far and the expected total (0 when the server does not say). */
  onProgress?: (loadedBytes: number, totalBytes: number) => void;
  /** Cache API cache to keep downloads in (default 'internimage'); false: always download, store nothing. */
  cache?: string | false;
  signal?: AbortSignal;
}

/** The part of the Cache API used here (browsers and workers have it; Node does not). */
interface CacheLike {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
}
interface CacheStorageLike {
  open(name: string): Promise<CacheLike>;
}

export const DEFAULT_CACHE = 'internimage';

/** Text that names a URL rather than a file path. */
export const isUrl = (s: string): boolean => /^(https?|data|blob|file):/i.test(s);

export async function fetchBytes(url: string | URL, options: FetchOptions = {}): Promise<Uint8Array> {
  const href = String(url);
  const storage = (globalThis as { caches?: CacheStorageLike }).caches;
  const cache = options.cache !== false && storage && /^https?:/i.test(href) ? await storage.open(options.cache ?? DEFAULT_CACHE) : null;
  const hit = await cache?.match(href);
  if (hit) {
    const bytes = new Uint8Array(await hit.arrayBuffer());
    options.onProgress?.(bytes.byteLength, bytes.byteLength);
    return bytes;
  }
  let response: Response;
  try {
    response = await fetch(href, { signal: options.signal });
  } catch (e) {
    throw new Error(`${href}: download failed (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!response.ok) throw new Error(`${href}: download failed (HTTP ${response.status} ${response.statusText})`);
  // With a content encoding, Content-Length counts the encoded bytes: no total to check against then.
  const declared = response.headers.get('content-encoding') ? 0 : Number(response.headers.get('content-length') ?? 0);
  const bytes = await readBody(response, href, declared, options.onProgress);
  if (cache) {
    try {
      await cache.put(href, new Response(bytes, { headers: { 'content-type': response.headers.get('content-type') ?? 'application/octet-stream' } }));
    } catch (e) {
      console.warn(`${href}: downloaded, but not kept in the cache (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  return bytes;
}

async function readBody(response: Response, href: string, declared: number, onProgress?: FetchOptions['onProgress']): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      loaded += value.byteLength;
      onProgress?.(loaded, declared);
    }
  } catch (e) {
    throw new Error(`${href}: download failed after ${loaded} bytes (${e instanceof Error ? e.message : String(e)})`);
  }
  if (declared && loaded !== declared) throw new Error(`${href}: download ended after ${loaded} of ${declared} bytes`);
  const out = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
