// The page's answer to "which file do these weights mean?": a published name or hf://<repo>/<file> becomes the Hub's
// `resolve` URL (fetched later with the page's Cache API cache, see fetchBytes), a URL or a relative location stays
// as it is. Same shape as resolve.ts, which downloads into the Hugging Face cache in Node.
import { loadImagenetLabels } from '../assets.js';
import type { PublishedCheckpoint } from './registry.js';
import { DEFAULT_REVISION, parseWeightsSpec, resolveUrl } from './registry.js';
import type { HubOptions, ResolvedWeights } from './resolve.js';

const HUB = 'https://huggingface.co';

export async function resolveWeights(spec: string, options: HubOptions = {}): Promise<ResolvedWeights> {
  const parsed = parseWeightsSpec(spec);
  const endpoint = options.endpoint ?? HUB;
  switch (parsed.kind) {
    case 'path':
      return { path: parsed.path, checkpoint: null, source: 'path' };
    case 'url':
      return { path: parsed.url, checkpoint: null, source: 'path' };
    case 'published':
      return { path: resolveUrl(endpoint, parsed.checkpoint.repo, DEFAULT_REVISION, parsed.checkpoint.file), checkpoint: parsed.checkpoint, source: 'path' };
    case 'hub':
      return { path: resolveUrl(endpoint, parsed.repo, parsed.revision, parsed.file), checkpoint: null, source: 'path' };
  }
}

/** ImageNet-1k names for 1000 classes, else indices (a page does not fetch the 22k names; the note says so). */
export async function defaultLabels(numClasses: number, checkpoint: PublishedCheckpoint | null): Promise<{ labels: readonly string[]; note?: string }> {
  if (numClasses === 1000) return { labels: await loadImagenetLabels() };
  const labels = Array.from({ length: numClasses }, (_, i) => String(i));
  return { labels, note: checkpoint ? `${checkpoint.labelSet} class names are not loaded in a page: labels are class indices` : undefined };
}
