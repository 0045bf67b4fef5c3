import { readdir, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isSameHost, isStagingOf, type StagingOwner, stagingOwner } from '../core/stagingName.js';

/** On a folder shared between machines, whose processes cannot be asked after, a day old is stale. */
const otherHostStaleMs = 24 * 60 * 60 * 1000;

/**
 * Removes the staging folders of `output` in `parent` whose restore is gone: killed before it could
 * clean up after itself, they would otherwise hold up to the output's size for ever. A folder of a
 * restore still running (this machine's process is alive, or another machine's folder is recent) is
 * left alone.
 */
export async function removeStaleStaging(parent: string, output: string): Promise<void> {
  const names = await readdir(parent).catch(() => [] as string[]);
  for (const name of names) {
    if (!isStagingOf(name, output)) continue;
    const path = join(parent, name);
    if (await isStale(path, stagingOwner(name)!)) await rm(path, { recursive: true, force: true });
  }
}

async function isStale(path: string, owner: StagingOwner): Promise<boolean> {
  if (isSameHost(owner, hostname())) return !isRunning(owner.pid);
  const status = await stat(path).catch(() => undefined);
  return status !== undefined && Date.now() - status.mtimeMs > otherHostStaleMs;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
