import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** How often the folders are measured. */
const intervalMs = 5000;

/**
 * Calls `onGrowth` while the files in `folders` keep changing size: an archive being written or
 * downloaded, an object being copied or unpacked. tar and zstd write nothing to the log, so this is
 * how a request that compresses or unpacks gigabytes shows it is alive, while a call that hangs
 * shows nothing. Returns the function that stops watching.
 */
export function watchFolderGrowth(folders: readonly string[], onGrowth: () => void): () => void {
  let last = -1;
  let measuring = false;
  const timer = setInterval(() => {
    if (measuring) return;
    measuring = true;
    void Promise.all(folders.map(bytesBelow)).then((sizes) => {
      measuring = false;
      const total = sizes.reduce((sum, size) => sum + size, 0);
      if (last !== -1 && total !== last) onGrowth();
      last = total;
    });
  }, intervalMs);
  return () => clearInterval(timer);
}

/** The bytes of the files below a folder (a few at most: an archive, its folder, the object). */
async function bytesBelow(folder: string): Promise<number> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) total += await bytesBelow(path);
    else total += (await stat(path).catch(() => undefined))?.size ?? 0;
  }
  return total;
}
