// `internimage/hub` (Node only): the Hugging Face cache behind published names — resolving, downloading, labels.
export type { HubOptions, ResolvedWeights } from './resolve.js';
export { cachedCheckpoint, hubFile, resolveWeights } from './resolve.js';
export { hubCacheDir } from './cache.js';
export type { DownloadProgress } from './download.js';
export { DownloadError, IntegrityError } from './download.js';
export type { CheckpointLabels } from './labels.js';
export { hubLabels } from './labels.js';
