import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { ObjectMissingError, RemoteError, SourceChangedError } from '../core/errors.js';
import { type ByteRange, type FileSource, type ListedObject, type Remote, sourceLength, type WriteSource } from './remote.js';
import { SentContent } from './sentContent.js';

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
    const directory = this.locate(prefix);
    const objects: ListedObject[] = [];
    const walk = async (folder: string, keyPrefix: string): Promise<void> => {
      const entries = await readdir(folder, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [];
        throw this.failure(`list ${folder}`, error);
      });
      for (const entry of entries) {
        // Temporary files of writes in progress are not objects yet.
        if (entry.name.startsWith('.')) continue;
        if (entry.isDirectory()) await walk(join(folder, entry.name), `${keyPrefix}${entry.name}/`);
        else {
          const status = await stat(join(folder, entry.name)).catch(() => undefined);
          if (status !== undefined) objects.push({ key: `${keyPrefix}${entry.name}`, size: status.size, modified: status.mtimeMs });
        }
      }
    };
    await walk(directory, prefix);
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
      return handle.createReadStream({ ...bounds, highWaterMark: 1 << 20 });
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

/** Copies a file source to `temporary`, checking the bytes copied before anything is committed. */
async function copyChecked(source: FileSource, temporary: string): Promise<void> {
  const sent = new SentContent(source);
  await pipeline(
    createReadStream(source.file, { highWaterMark: 1 << 20 }),
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        sent.add(chunk);
        yield chunk;
      }
    },
    createWriteStream(temporary, { flags: 'wx' }),
  );
  sent.check();
}
