import { createHash, hash as hashOnce, type Hash } from 'node:crypto';
import { chmodSync, closeSync, copyFileSync, fchmodSync, fstatSync, openSync, writeSync } from 'node:fs';
import { chmod, copyFile, type FileHandle, open } from 'node:fs/promises';
import { IntegrityError } from '../core/errors.js';
import { currentHashCache, type FileStamp, type HashCache, rememberRestoredFrom, stampAfterWriting, stampOf, stampOfEntry } from '../hashing/index.js';
import { type ManifestFile } from '../core/manifest.js';
import { wholeWriteLimit } from '../core/smallFiles.js';
import { onLocalDisk } from './localDisk.js';

/** One file to restore: where it goes and who to tell when it is there. */
export interface DownloadTask {
  file: ManifestFile;
  destination: string;
  /**
   * Called once the file is written and verified: `downloaded` when its bytes came from the remote,
   * false when it is a copy of another task's file with the same content.
   */
  done(downloaded: boolean): void;
}


/**
 * Writes the bytes of one stored file (a blob, or a member of a pack) to the destination of the
 * first task that wants it, hashing as it goes, and copies the verified file to the others. Bytes
 * past the declared size and a wrong sha256 are damage in `objectKey`, never written silently.
 * Each file written and verified is noted to the hash cache, so that the next run trusts it
 * without reading it (HashCache.noteWritten).
 */
export class MemberWriter {
  private handle: FileHandle | undefined;
  // Made on the first byte: a restore of 100,000 files holds that many writers at once.
  private hash: Hash | undefined;
  /** A small file's bytes, gathered until it is whole. */
  private gathered: Buffer | undefined;
  private received = 0;
  /** Where what is written is noted (HashCache.noteWritten): none for a file cheaper to read again than to remember. */
  private readonly hashCache: HashCache | undefined;

  constructor(
    readonly tasks: readonly DownloadTask[],
    private readonly objectKey: string,
    private readonly shownKey: string,
  ) {
    this.hashCache = this.size >= rememberRestoredFrom ? currentHashCache() : undefined;
  }

  get size(): number {
    return this.tasks[0]!.file.size;
  }

  get remaining(): number {
    return this.size - this.received;
  }

  /** Where the bytes are written; the other tasks get copies. */
  get destination(): string {
    return this.tasks[0]!.destination;
  }

  /** Appends bytes, hashing them on the way; a small file's are kept until `finish` writes them whole. */
  async write(bytes: Uint8Array): Promise<void> {
    if (bytes.length > this.remaining) throw this.tooLong();
    await this.onDisk(() => this.append(bytes));
  }

  private async append(bytes: Uint8Array): Promise<void> {
    if (this.size <= wholeWriteLimit) {
      this.gathered ??= Buffer.allocUnsafe(this.size);
      this.gathered.set(bytes, this.received);
      this.received += bytes.length;
      return;
    }
    this.hash ??= createHash('sha256');
    this.hash.update(bytes);
    this.received += bytes.length;
    await writeFully(await this.opened(), bytes, null);
  }

  /**
   * Writes bytes at a position, for parts that arrive out of order; they are not hashed here, so
   * the caller hashes the file and finishes with `finishHashed`. Call `open` first.
   */
  async writeAt(bytes: Uint8Array, position: number): Promise<void> {
    if (position + bytes.length > this.size) throw this.tooLong();
    // Parts land in any order, and a part tried again writes its bytes again: the furthest byte
    // written is what counts, and the caller's hash of the whole file checks the rest.
    this.received = Math.max(this.received, position + bytes.length);
    await this.onDisk(() => writeFully(this.handle!, bytes, position));
  }

  /** Creates the destination: parts written at once must not race to create it. */
  async open(): Promise<void> {
    await this.onDisk(() => this.opened());
  }

  async finish(): Promise<void> {
    await this.onDisk(() => this.finishEither());
  }

  private async finishEither(): Promise<void> {
    if (this.size <= wholeWriteLimit) {
      this.finishWhole();
      return;
    }
    const sha256 = (this.hash ?? createHash('sha256')).digest('hex');
    // A restore of many small files holds a writer for each until all are done: no native state with it.
    this.hash = undefined;
    await this.finishHashed(sha256);
  }

  /** Checks the size and the sha256 the caller computed over the written file, then settles every task. */
  async finishHashed(sha256: string): Promise<void> {
    await this.onDisk(() => this.settleHashed(sha256));
  }

  private async settleHashed(sha256: string): Promise<void> {
    const first = this.tasks[0]!;
    await (await this.opened()).close();
    this.handle = undefined;
    this.check(sha256);
    await this.settle(first, true);
    for (const task of this.tasks.slice(1)) {
      await copyFile(first.destination, task.destination);
      await this.settle(task, false);
    }
  }

  private async settle(task: DownloadTask, downloaded: boolean): Promise<void> {
    await chmod(task.destination, task.file.mode);
    if (this.hashCache !== undefined) this.noteWritten(task, await stampAfterWriting(task.destination, task.file.mode));
    task.done(downloaded);
  }

  private noteWritten(task: DownloadTask, stamp: FileStamp | undefined): void {
    if (stamp !== undefined) this.hashCache?.noteWritten(task.destination, stamp, task.file.sha256);
  }

  /** Checks a gathered file, then writes it and its copies, each with its mode, before anyone is told. */
  private finishWhole(): void {
    const bytes = (this.gathered ?? Buffer.alloc(0)).subarray(0, this.received);
    this.gathered = undefined;
    this.check(hashOnce('sha256', bytes, 'hex'));
    const first = this.tasks[0]!;
    const descriptor = openSync(first.destination, 'wx', 0o600);
    try {
      for (let written = 0; written < bytes.length; ) written += writeSync(descriptor, bytes, written);
      fchmodSync(descriptor, first.file.mode);
      if (this.hashCache !== undefined) this.noteWritten(first, stampOf(fstatSync(descriptor, { bigint: true })));
    } finally {
      closeSync(descriptor);
    }
    for (const task of this.tasks.slice(1)) {
      copyFileSync(first.destination, task.destination);
      chmodSync(task.destination, task.file.mode);
      if (this.hashCache !== undefined) this.noteWritten(task, stampOfEntry(task.destination));
    }
    for (const [index, task] of this.tasks.entries()) task.done(index === 0);
  }

  /** A failure of this machine's disk while writing the file is said as such (see onLocalDisk). */
  private async onDisk<T>(step: () => Promise<T> | T): Promise<T> {
    return onLocalDisk(`write ${this.destination}`, step);
  }

  private async opened(): Promise<FileHandle> {
    this.handle ??= await open(this.destination, 'wx', 0o600);
    return this.handle;
  }

  /** Damage in the object, found before any task is settled: too few bytes, or the wrong ones. */
  private check(sha256: string): void {
    const path = JSON.stringify(this.tasks[0]!.file.path);
    if (this.received !== this.size) {
      throw new IntegrityError(`${this.shownKey} holds ${this.received} bytes where the manifest gives ${this.size} for ${path}`, this.objectKey);
    }
    if (sha256 !== this.tasks[0]!.file.sha256) {
      throw new IntegrityError(`${this.shownKey} does not match its sha256 for ${path} (got ${sha256}): the object is damaged`, this.objectKey);
    }
  }

  private tooLong(): IntegrityError {
    return new IntegrityError(`${this.shownKey} holds more bytes than the ${this.size} the manifest gives for ${JSON.stringify(this.tasks[0]!.file.path)}`, this.objectKey);
  }

  /** Closes the file after a failure; the staging folder it is in is removed by the caller. */
  async abandon(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
  }
}

/** A write may be short: the rest follows until every byte is down. `null` appends. */
async function writeFully(handle: FileHandle, bytes: Uint8Array, position: number | null): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    written += (await handle.write(bytes, written, bytes.length - written, position === null ? null : position + written)).bytesWritten;
  }
}
