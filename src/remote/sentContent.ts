import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { SourceChangedError } from '../core/errors.js';
import { type FileSource } from './remote.js';

/**
 * Hashes the bytes of a file source as they are sent, in file order, so that what a backend stores
 * is checked against the sha256 the file was saved as: a file that changed after it was hashed is
 * refused, never stored under a name its bytes do not have.
 */
export class SentContent {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;

  constructor(private readonly source: FileSource) {}

  add(chunk: Uint8Array): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }

  /** Throws SourceChangedError unless the bytes added are exactly the source's size and sha256. */
  check(): void {
    const digest = this.hash.digest('hex');
    if (this.bytes !== this.source.size || (this.source.sha256 !== undefined && digest !== this.source.sha256)) {
      throw new SourceChangedError(this.source.file);
    }
  }
}

/**
 * Reads `target.length` bytes of the file from `position` into `target` and adds them to `sent`
 * (in order: callers read a file front to back). A file that ends early is one that changed.
 */
export async function readSentBytes(source: FileSource, position: number, target: Uint8Array, sent: SentContent): Promise<void> {
  const handle = await open(source.file, 'r');
  try {
    let filled = 0;
    while (filled < target.length) {
      const { bytesRead } = await handle.read(target, filled, target.length - filled, position + filled);
      if (bytesRead === 0) throw new SourceChangedError(source.file);
      filled += bytesRead;
    }
    // A file that grew since it was hashed has changed too; only the last read can tell.
    if (position + target.length === source.size && (await handle.read(new Uint8Array(1), 0, 1, source.size)).bytesRead !== 0) {
      throw new SourceChangedError(source.file);
    }
  } finally {
    await handle.close();
  }
  sent.add(target);
}

/** Copies a file source to a new file `target`, checking the bytes copied before anything is committed. */
export async function copyChecked(source: FileSource, target: string): Promise<void> {
  const sent = new SentContent(source);
  await pipeline(
    createReadStream(source.file, { highWaterMark: 1 << 20 }),
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        sent.add(chunk);
        yield chunk;
      }
    },
    createWriteStream(target, { flags: 'wx' }),
  );
  sent.check();
}
