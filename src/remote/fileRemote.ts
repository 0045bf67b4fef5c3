import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { ObjectMissingError, RemoteError, SourceChangedError } from '../core/errors.js';
import { mapConcurrently } from '../core/mapConcurrently.js';
import { type ByteRange, type ListedObject, type Remote, sourceLength, type WriteSource } from './remote.js';
import { copyChecked } from './sentContent.js';

/** Files unlinked at once by a delete: the disk, not the count of calls, bounds how fast it goes. */
const deletesInFlight = 16;

/** A remote in a directory: on the runner's disk, a mounted volume, or a laptop's cache folder. */
export class FileRemote implements Remote {
  readonly display: string;

  constructor(readonly root: string) {
    this.display = root;
  }

  locate(key: string): string {
    return join(this.root, key);
  }

  async list(prefix: string): Promise<ListedObject[]> {
    return this.walk(prefix, Number.POSITIVE_INFINITY);
  }

  /** The walk visits names in key order, so it can stop after `count` objects. */
  async listFirst(prefix: string, count: number): Promise<ListedObject[]> {
    return this.walk(prefix, count);
  }

  /**
   * The objects below a prefix in ascending key order, at most `limit` of them. A folder sorts as
   * its name followed by `/`, which is where its objects' keys sort among its siblings'.
   */
  private async walk(prefix: string, limit: number): Promise<ListedObject[]> {
    const objects: ListedObject[] = [];
    const visit = async (folder: string, keyPrefix: string): Promise<void> => {
      const entries = await readdir(folder, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [];
        throw this.failure(`list ${folder}`, error);
      });
      const named = entries.map((entry) => ({ entry, name: entry.isDirectory() ? `${entry.name}/` : entry.name }));
      named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const { entry } of named) {
        if (objects.length >= limit) return;
        // Temporary files of writes in progress are not objects yet.
        if (entry.name.startsWith('.')) continue;
        if (entry.isDirectory()) await visit(join(folder, entry.name), `${keyPrefix}${entry.name}/`);
        else {
          const status = await stat(join(folder, entry.name)).catch(() => undefined);
          if (status !== undefined) objects.push({ key: `${keyPrefix}${entry.name}`, size: status.size, modified: status.mtimeMs });
        }
      }
    };
    await visit(this.locate(prefix), prefix);
    return objects;
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.locate(key))).isFile();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw this.failure(`check ${this.locate(key)}`, error);
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.locate(key);
    try {
      // Opening first turns a missing object into an error here rather than later in the stream.
      const handle = await open(path, 'r');
      const bounds = range === undefined ? {} : { start: range.offset, end: range.offset + range.length - 1 };
      if (range !== undefined && range.length === 0) {
        await handle.close();
        return createReadStream('/dev/null');
      }
      // A small object read whole (a manifest) gets a buffer of its size, not one of 1 MiB: a walk
      // over every manifest of a store would otherwise hold a megabyte for each until collected.
      const size = range?.length ?? (await handle.stat()).size;
      return handle.createReadStream({ ...bounds, highWaterMark: Math.min(Math.max(size, 1), 1 << 20) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ObjectMissingError(key);
      throw this.failure(`read ${path}`, error);
    }
  }

  /**
   * Writes to a temporary file beside the target, then links it into place: a link fails when the
   * name exists, so two writers never overwrite each other and readers never see a partial object.
   */
  async writeIfAbsent(key: string, source: WriteSource, contentAddressed = false): Promise<boolean> {
    const existing = await stat(this.locate(key)).catch(() => undefined);
    if (existing?.isFile() === true) {
      if (!contentAddressed || existing.size === sourceLength(source)) return false;
      await this.replace(key, source);
      return true;
    }
    return this.writeThrough(key, source, async (temporary, path) => {
      try {
        await link(temporary, path);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      }
    });
  }

  /** A rename replaces the damaged file in one step: readers see the old or the new bytes. */
  async replace(key: string, source: WriteSource): Promise<void> {
    await this.writeThrough(key, source, (temporary, path) => rename(temporary, path));
  }

  /**
   * Unlinks each file, a few at a time. Folders stay, even once empty: a writer may have just made
   * one for an object it is about to put there.
   */
  async delete(keys: readonly string[]): Promise<void> {
    await mapConcurrently(keys, deletesInFlight, async (key) => {
      await unlink(this.locate(key)).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw this.failure(`delete ${this.locate(key)}`, error);
      });
    });
  }

  /** Writes to a temporary file beside the object, then lets `commit` put it in place. */
  private async writeThrough<T>(key: string, source: WriteSource, commit: (temporary: string, path: string) => Promise<T>): Promise<T> {
    const path = this.locate(key);
    const temporary = join(dirname(path), `.${randomBytes(8).toString('hex')}.partial`);
    try {
      await mkdir(dirname(path), { recursive: true });
      if ('file' in source) await copyChecked(source, temporary);
      else await pipeline([source.bytes], createWriteStream(temporary, { flags: 'wx' }));
      return await commit(temporary, path);
    } catch (error) {
      if (error instanceof SourceChangedError) throw error;
      throw this.failure(`write ${path}`, error);
    } finally {
      await unlink(temporary).catch(() => undefined);
    }
  }

  private failure(action: string, error: unknown): RemoteError {
    const detail = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return new RemoteError(`could not ${action} (${detail}): check that the remote directory is writable`, this.display, { cause: error });
  }
}
