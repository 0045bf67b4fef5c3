import { lstat, readdir, rm, rmdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { mapConcurrently } from '../core/mapConcurrently.js';

/** Entries of one folder removed at once: enough to keep the thread pool busy, few enough to hold. */
const removalsInFlight = 32;

/**
 * Removes a file or a folder with everything in it, like `rm(path, { recursive: true, force: true })`,
 * with a bounded number of removals in flight. Node's own removes every entry of every folder at
 * once: on a tree of 100,000 files that is 100,000 requests and their promises held together, which
 * alone took a restore's memory from under 150 MiB to over 250 MiB. Folders are removed one after
 * another, the entries of each a few at a time. A path that is already gone is not an error.
 */
export async function removeTree(path: string): Promise<void> {
  const status = await lstat(path).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  if (status === undefined) return;
  // A link is removed, never followed, even to a folder: what it points at is not the tree's.
  if (!status.isDirectory()) return removeEntry(path);
  await removeFolder(path);
}

async function removeFolder(path: string): Promise<void> {
  const entries = await readdir(path, { withFileTypes: true });
  for (const entry of entries) if (entry.isDirectory()) await removeFolder(join(path, entry.name));
  const files = entries.filter((entry) => !entry.isDirectory());
  await mapConcurrently(files, removalsInFlight, (entry) => removeEntry(join(path, entry.name)));
  await rmdir(path).catch((error: unknown) => fallBack(path, error));
}

/** A file or a link, unlinked; what unlink refuses goes to rm. */
function removeEntry(path: string): Promise<void> {
  return unlink(path).catch((error: unknown) => fallBack(path, error));
}

/**
 * Where the plain call is refused, Node's rm knows the ways around: a read-only file or a link to a
 * folder on Windows (EPERM, EACCES, EISDIR), a folder that something filled meanwhile (ENOTEMPTY).
 */
async function fallBack(path: string, error: unknown): Promise<void> {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return;
  if (code === 'EPERM' || code === 'EACCES' || code === 'EISDIR' || code === 'ENOTEMPTY') return rm(path, { recursive: true, force: true });
  throw error;
}
