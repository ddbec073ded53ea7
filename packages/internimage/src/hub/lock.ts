// A lock file that keeps two processes from writing the same partial download: created exclusively, holding the
// owner's pid; a lock whose owner is no longer running (a crash) is taken over.
import { open, readFile, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 200;

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/** Runs `fn` while holding `path` (waiting while another live process holds it). */
export async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
      const owner = Number(await readFile(path, 'utf8').catch(() => ''));
      // Unreadable or empty: the owner is between creating and writing it; wait rather than steal it.
      if (owner > 0 && owner !== process.pid && !running(owner)) {
        await rm(path, { force: true });
        continue;
      }
      await sleep(POLL_MS);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}
