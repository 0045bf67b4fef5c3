import { createHash, type Hash } from 'node:crypto';
import { chmod, copyFile, type FileHandle, open } from 'node:fs/promises';
import { IntegrityError } from '../core/errors.js';
import { type ManifestFile } from '../core/manifest.js';

/** One file to restore: where it goes and who to tell when it is there. */
export interface DownloadTask {
  file: ManifestFile;
  destination: string;
  /** Called once the file is written and verified. */
  done(): void;
}

/**
 * Writes the bytes of one stored file (a blob, or a member of a pack) to the destination of the
 * first task that wants it, hashing as it goes, and copies the verified file to the others. Bytes
 * past the declared size and a wrong sha256 are damage in `objectKey`, never written silently.
 */
export class MemberWriter {
  private handle: FileHandle | undefined;
  // Made on the first byte: a restore of 100,000 files holds that many writers at once.
  private hash: Hash | undefined;
  private received = 0;

  constructor(
    readonly tasks: readonly DownloadTask[],
    private readonly objectKey: string,
    private readonly shownKey: string,
  ) {}

  get size(): number {
    return this.tasks[0]!.file.size;
  }

  get remaining(): number {
    return this.size - this.received;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (bytes.length > this.remaining) {
      throw new IntegrityError(`${this.shownKey} holds more bytes than the ${this.size} the manifest gives for ${JSON.stringify(this.tasks[0]!.file.path)}`, this.objectKey);
    }
    this.handle ??= await open(this.tasks[0]!.destination, 'wx', 0o600);
    this.hash ??= createHash('sha256');
    this.hash.update(bytes);
    this.received += bytes.length;
    let written = 0;
    while (written < bytes.length) written += (await this.handle.write(bytes, written)).bytesWritten;
  }

  async finish(): Promise<void> {
    const first = this.tasks[0]!;
    this.handle ??= await open(first.destination, 'wx', 0o600);
    await this.handle.close();
    if (this.received !== this.size) {
      throw new IntegrityError(`${this.shownKey} holds ${this.received} bytes where the manifest gives ${this.size} for ${JSON.stringify(first.file.path)}`, this.objectKey);
    }
    const sha256 = (this.hash ?? createHash('sha256')).digest('hex');
    if (sha256 !== first.file.sha256) {
      throw new IntegrityError(`${this.shownKey} does not match its sha256 for ${JSON.stringify(first.file.path)} (got ${sha256}): the object is damaged`, this.objectKey);
    }
    await settle(first);
    for (const task of this.tasks.slice(1)) {
      await copyFile(first.destination, task.destination);
      await settle(task);
    }
  }

  /** Closes the file after a failure; the staging folder it is in is removed by the caller. */
  async abandon(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
  }
}

async function settle(task: DownloadTask): Promise<void> {
  await chmod(task.destination, task.file.mode);
  task.done();
}
