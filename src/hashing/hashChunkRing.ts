/**
 * A fixed number of equal slots in one SharedArrayBuffer, so the bytes read for hashing are shared
 * with the worker threads instead of copied to each, and memory stays bounded however large or many
 * the files are. Slots are taken back in whatever order the workers finish them.
 */
export class HashChunkRing {
  readonly buffer: SharedArrayBuffer;
  private readonly free: number[];
  private readonly waiting: { resolve: (slot: number) => void; reject: (error: Error) => void }[] = [];
  private closedBy: Error | undefined;

  constructor(
    readonly slotCount: number,
    readonly slotSize: number,
  ) {
    this.buffer = new SharedArrayBuffer(slotCount * slotSize);
    this.free = Array.from({ length: slotCount }, (_, slot) => slot);
  }

  offset(slot: number): number {
    return slot * this.slotSize;
  }

  /** The bytes [start, start + length) of a slot. */
  view(slot: number, start: number, length: number): Uint8Array {
    return new Uint8Array(this.buffer, this.offset(slot) + start, length);
  }

  /** A free slot, waiting for one to be given back if all are in use. */
  take(): Promise<number> {
    if (this.closedBy !== undefined) return Promise.reject(this.closedBy);
    const slot = this.free.pop();
    if (slot !== undefined) return Promise.resolve(slot);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  giveBack(slot: number): void {
    const waiter = this.waiting.shift();
    if (waiter === undefined) this.free.push(slot);
    else waiter.resolve(slot);
  }

  /** Fails every wait, present and future, so that nothing waits on slots that will never come back. */
  close(error: Error): void {
    this.closedBy = error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }
}
