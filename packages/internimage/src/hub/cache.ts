// The Hugging Face cache layout, shared with Python's huggingface_hub:
//   <cache>/models--<owner>--<repo>/blobs/<etag>                 file contents, named by their hash
//   <cache>/models--<owner>--<repo>/snapshots/<commit>/<file>   → ../../blobs/<etag> (a relative symlink)
//   <cache>/models--<owner>--<repo>/refs/<revision>              the commit a branch or tag pointed to
import { getHFHubCachePath, getRepoFolderName } from '@huggingface/hub';
import { copyFile, mkdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

export const COMMIT_HASH = /^[0-9a-f]{40}$/;

/** HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub (as huggingface_hub resolves it). */
export function hubCacheDir(): string {
  return getHFHubCachePath();
}

/** `models--<owner>--<repo>` under the cache. */
export function repoCacheDir(repo: string, cacheDir = hubCacheDir()): string {
  return join(cacheDir, getRepoFolderName({ name: repo, type: 'model' }));
}

const isFile = async (path: string) => (await stat(path).catch(() => null))?.isFile() ?? false;

/** The commit a revision names: itself when it is a commit hash, else the one recorded in refs/, else null. */
export async function cachedCommit(repoDir: string, revision: string): Promise<string | null> {
  if (COMMIT_HASH.test(revision)) return revision;
  const ref = await readFile(join(repoDir, 'refs', revision), 'utf8').catch(() => null);
  return ref === null ? null : ref.trim();
}

/** The snapshot path of a cached file, without any network request; null when it is not in the cache. */
export async function cachedFile(repo: string, file: string, revision: string, cacheDir = hubCacheDir()): Promise<string | null> {
  const repoDir = repoCacheDir(repo, cacheDir);
  const commit = await cachedCommit(repoDir, revision);
  if (!commit) return null;
  const path = join(repoDir, 'snapshots', commit, file);
  return (await isFile(path)) ? path : null;
}

export function blobPath(repoDir: string, etag: string): string {
  return join(repoDir, 'blobs', etag);
}

/**
 * Links a verified blob into snapshots/<commit>/<file> and records refs/<revision> → commit. Where symlinks are not
 * allowed (Windows without developer mode), the file is copied, as huggingface_hub does then.
 */
export async function linkSnapshot(repoDir: string, revision: string, commit: string, file: string, blob: string): Promise<string> {
  const pointer = join(repoDir, 'snapshots', commit, file);
  await mkdir(dirname(pointer), { recursive: true });
  const temporary = `${pointer}.${process.pid}.tmp`;
  try {
    await symlink(relative(dirname(pointer), blob), temporary);
  } catch {
    await copyFile(blob, temporary);
  }
  await rename(temporary, pointer).catch(async (e: unknown) => {
    await rm(temporary, { force: true });
    throw e;
  });
  if (revision !== commit) {
    const ref = join(repoDir, 'refs', revision);
    await mkdir(dirname(ref), { recursive: true });
    await writeFile(ref, commit);
  }
  return pointer;
}
