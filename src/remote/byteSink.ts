import { type Readable } from 'node:stream';

/** The most bytes a sink is handed in one call: what one read from a connection holds. */
export const receiveChunkBytes = 64 * 1024;

/**
 * Where the bytes of a read go as they arrive, without a stream in between. `take` must copy the
 * bytes before it returns (the caller reuses their memory for the next read); a promise back asks
 * the caller to stop reading until it settles, and a rejected one ends the read with its error.
 */
export interface ByteSink {
  take(bytes: Uint8Array): Promise<void> | undefined;
  /**
   * Optional: memory of the sink's own, at most `limit` bytes, that the next read may fill in place.
   * What lands there is then given to `take` as that same memory, which the sink keeps without a copy.
   */
  space?(limit: number): Uint8Array;
}

/** Feeds a stream into a sink, for remotes that have no direct way to fill one. */
export async function pumpInto(stream: Readable, sink: ByteSink): Promise<void> {
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (let start = 0; start < chunk.length; start += receiveChunkBytes) {
        await sink.take(chunk.subarray(start, start + receiveChunkBytes));
      }
    }
  } finally {
    stream.destroy();
  }
}
