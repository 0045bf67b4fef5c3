import { type Readable } from 'node:stream';
import { type ByteSink } from '../../src/remote/byteSink.js';
import { type ByteRange, type ListedObject, readRangeInto, type Remote, type WriteSource } from '../../src/remote/remote.js';

/**
 * A real remote with a tally of the requests made through it (one per call; a multipart upload
 * counts as one write here), so tests can hold the engine to its request budgets.
 */
export class CountingRemote implements Remote {
  readonly counts = { list: 0, exists: 0, read: 0, write: 0 };
  bytesWritten = 0;
  // The capabilities the inner remote has, counted; absent where it lacks them.
  readonly list?: (prefix: string) => Promise<ListedObject[]>;
  readonly newest?: (prefix: string) => Promise<ListedObject | undefined>;
  readonly replace?: (key: string, source: WriteSource) => Promise<void>;
  readonly listFirst?: (prefix: string, count: number) => Promise<ListedObject[]>;

  constructor(private readonly inner: Remote) {
    const { list, newest, replace, listFirst } = inner;
    if (listFirst !== undefined) {
      this.listFirst = (prefix, count) => {
        this.counts.list++;
        return listFirst.call(inner, prefix, count);
      };
    }
    if (list !== undefined) {
      this.list = (prefix) => {
        this.counts.list++;
        return list.call(inner, prefix);
      };
    }
    if (newest !== undefined) {
      this.newest = (prefix) => {
        this.counts.list++;
        return newest.call(inner, prefix);
      };
    }
    if (replace !== undefined) {
      this.replace = async (key, source) => {
        this.counts.write++;
        this.bytesWritten += 'file' in source ? source.size : source.bytes.length;
        await replace.call(inner, key, source);
      };
    }
  }

  get display(): string {
    return this.inner.display;
  }

  get total(): number {
    return this.counts.list + this.counts.exists + this.counts.read + this.counts.write;
  }

  reset(): void {
    this.counts.list = this.counts.exists = this.counts.read = this.counts.write = 0;
    this.bytesWritten = 0;
  }

  locate(key: string): string {
    return this.inner.locate(key);
  }

  exists(key: string): Promise<boolean> {
    this.counts.exists++;
    return this.inner.exists(key);
  }

  read(key: string, range?: ByteRange): Promise<Readable> {
    this.counts.read++;
    return this.inner.read(key, range);
  }

  readInto(key: string, range: ByteRange, sink: ByteSink): Promise<void> {
    this.counts.read++;
    return readRangeInto(this.inner, key, range, sink);
  }

  async writeIfAbsent(key: string, source: WriteSource, contentAddressed?: boolean): Promise<boolean> {
    // The existence check inside writeIfAbsent is a request of its own.
    this.counts.exists++;
    const written = await this.inner.writeIfAbsent(key, source, contentAddressed);
    if (written) {
      this.counts.write++;
      this.bytesWritten += 'file' in source ? source.size : source.bytes.length;
    }
    return written;
  }
}
