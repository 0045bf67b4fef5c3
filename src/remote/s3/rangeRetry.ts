import { setTimeout as delay } from 'node:timers/promises';
import { type ByteSink } from '../byteSink.js';
import { type ByteRange } from '../remote.js';
import { isTransientFailure } from './transientFailure.js';

/** Requests one ranged read may make, whatever mix of failures they meet. */
export const attemptsPerRange = 3;
/** The SDK's standard backoff: a random pause below this many ms, doubled at every try, capped. */
const backoffBaseMilliseconds = 100;
const backoffCapMilliseconds = 20_000;

/**
 * Reads a range into a sink with `readOnce`, trying again after a transient failure (see
 * isTransientFailure) from the first byte the sink has not taken yet: a part cut off half-way
 * costs its second half again, not all of it.
 *
 * This loop is the only retry a ranged read gets: the client that sends it makes one attempt per
 * call, and the store reads each part once. Retrying in the SDK could not see a body cut off after
 * its head (the SDK has answered by then) nor resume one; retrying in the store could not tell
 * throttling and 5xx answers from a refusal. Here both are known, and a stalled or failing server
 * costs at most `attemptsPerRange` requests per part, where the two layers stacked made nine.
 */
export async function readRangeWithRetries(range: ByteRange, sink: ByteSink, readOnce: (range: ByteRange, sink: ByteSink) => Promise<void>): Promise<void> {
  const counted = new CountingSink(sink);
  for (let attempt = 1; ; attempt++) {
    const taken = counted.taken;
    try {
      await readOnce({ offset: range.offset + taken, length: range.length - taken }, counted);
      return;
    } catch (error) {
      // The sink's own failure (the disk, too many bytes) is no accident of the network.
      if (counted.failed || attempt >= attemptsPerRange || !isTransientFailure(error)) throw error;
      if (counted.taken === range.length) return;
    }
    await delay(Math.random() * Math.min(backoffCapMilliseconds, backoffBaseMilliseconds * 2 ** attempt));
  }
}

/** Passes bytes on to a sink, counting them and noting whether the sink itself failed. */
class CountingSink implements ByteSink {
  taken = 0;
  failed = false;
  readonly space?: (limit: number) => Uint8Array;

  constructor(private readonly inner: ByteSink) {
    if (inner.space !== undefined) this.space = (limit) => inner.space!(limit);
  }

  take(bytes: Uint8Array): Promise<void> | undefined {
    const waiting = this.inner.take(bytes);
    this.taken += bytes.length;
    return waiting?.catch((error: unknown) => {
      this.failed = true;
      throw error;
    });
  }
}
