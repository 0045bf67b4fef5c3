import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';

/** Folders to remove when the process exits, however it ends its work. */
const folders = new Set<string>();
let removalRegistered = false;

/**
 * A folder of the GitHub Actions cache remote's own, made when first needed below `base` (the
 * runner's temporary folder): the local copies of entries, the folders @actions/cache works in,
 * and its archives. It is removed when stoat exits, or when the remote is closed.
 */
export class ScratchFolder {
  private path: string | undefined;

  constructor(private readonly base: string) {}

  /** The folder, made now if it is not there yet. */
  get root(): string {
    if (this.path === undefined) {
      mkdirSync(this.base, { recursive: true });
      this.path = mkdtempSync(join(this.base, 'stoat-gha-'));
      folders.add(this.path);
      registerRemoval();
    }
    return this.path;
  }

  /** A new empty folder inside, for one request. */
  newFolder(): Promise<string> {
    return mkdtemp(join(this.root, 'request-'));
  }

  remove(): void {
    if (this.path === undefined) return;
    rmSync(this.path, { recursive: true, force: true });
    folders.delete(this.path);
    this.path = undefined;
  }
}

function registerRemoval(): void {
  if (removalRegistered) return;
  removalRegistered = true;
  process.on('exit', () => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });
}
