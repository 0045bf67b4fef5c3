/**
 * A number of bytes that callers take a share of and give back: it bounds how much memory the
 * transfers in flight hold at once, whatever the concurrency. A request larger than the whole
 * budget is granted once nothing else holds any, so it waits but never deadlocks.
 */
export class ByteBudget {
  private held = 0;
  private readonly waiting: { bytes: number; grant: () => void }[] = [];

  constructor(readonly capacity: number) {}

  /** Resolves once `bytes` can be held; give them back with `release`. */
  async acquire(bytes: number): Promise<void> {
    if (this.waiting.length === 0 && this.fits(bytes)) {
      this.held += bytes;
      return;
    }
    await new Promise<void>((grant) => this.waiting.push({ bytes, grant }));
  }

  release(bytes: number): void {
    this.held -= bytes;
    // First come, first served: a large request is not starved by small ones behind it.
    while (this.waiting.length > 0 && this.fits(this.waiting[0]!.bytes)) {
      const next = this.waiting.shift()!;
      this.held += next.bytes;
      next.grant();
    }
  }

  /** Runs `work` while holding `bytes`. */
  async with<T>(bytes: number, work: () => Promise<T>): Promise<T> {
    await this.acquire(bytes);
    try {
      return await work();
    } finally {
      this.release(bytes);
    }
  }

  private fits(bytes: number): boolean {
    return this.held === 0 || this.held + bytes <= this.capacity;
  }
}
