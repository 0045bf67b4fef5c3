import { type ByteSink } from '../remote/byteSink.js';

/** Bytes gathered into one write: socket reads of 64 KiB become a sixteenth of the system calls. */
const batchBytes = 1024 * 1024;
/** Batches handed to the disk and not yet written before the sender is asked to wait. */
const batchesAhead = 2;

/**
 * Takes one part of a download as it arrives: the bytes land in reused batches (read into them in
 * place where the connection can, copied otherwise) and each full batch is written at its place,
 * one write at a time and in order, while the next batch fills. Copying at once lets the sender
 * reuse its buffer, so no read's memory outlives the read.
 */
export class PartSink implements ByteSink {
  received = 0;
  private current: Buffer;
  private fill = 0;
  private handedOver = 0;
  private unwritten = 0;
  private writing: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly length: number,
    /** Batches shared by the parts of one download, taken and given back. */
    private readonly spare: Buffer[],
    /** Writes `bytes` at `position` within the part; called in order, one at a time. */
    private readonly write: (bytes: Buffer, position: number) => Promise<void>,
    private readonly tooLong: () => Error,
  ) {
    this.current = spare.pop() ?? Buffer.allocUnsafeSlow(batchBytes);
  }

  /** The free end of the batch being filled, so that a connection can read into it without a copy. */
  space(limit: number): Uint8Array {
    return this.current.subarray(this.fill, Math.min(this.current.length, this.fill + limit));
  }

  take(bytes: Uint8Array): Promise<void> | undefined {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.received + bytes.length > this.length) return Promise.reject(this.tooLong());
    this.received += bytes.length;
    if (bytes.buffer === this.current.buffer && bytes.byteOffset === this.current.byteOffset + this.fill) {
      // Read into `space`: already where it belongs.
      this.fill += bytes.length;
      if (this.fill === this.current.length) this.handOver();
    } else {
      for (let used = 0; used < bytes.length; ) {
        const count = Math.min(bytes.length - used, this.current.length - this.fill);
        this.current.set(bytes.subarray(used, used + count), this.fill);
        this.fill += count;
        used += count;
        if (this.fill === this.current.length) this.handOver();
      }
    }
    if (this.unwritten < batchesAhead) return undefined;
    return new Promise((resolve, reject) => (this.wake = () => (this.failure === undefined ? resolve() : reject(this.failure))));
  }

  /** Writes what is left and waits for every write; rejects with the first write's failure. */
  async finish(): Promise<void> {
    this.handOver();
    await this.writing;
    if (this.failure !== undefined) throw this.failure;
  }

  /** Waits for the writes in flight, whatever happened, and gives the batches back. */
  async settle(): Promise<void> {
    await this.writing.catch(() => undefined);
    this.spare.push(this.current);
  }

  private handOver(): void {
    if (this.fill === 0) return;
    const batch = this.current;
    const bytes = batch.subarray(0, this.fill);
    const position = this.handedOver;
    this.handedOver += this.fill;
    this.current = this.spare.pop() ?? Buffer.allocUnsafeSlow(batchBytes);
    this.fill = 0;
    this.unwritten++;
    this.writing = this.writing
      .then(() => (this.failure === undefined ? this.write(bytes, position) : undefined))
      .catch((error: Error) => {
        this.failure ??= error;
      })
      .finally(() => {
        this.spare.push(batch);
        this.unwritten--;
        const wake = this.wake;
        this.wake = undefined;
        wake?.();
      });
  }
}
