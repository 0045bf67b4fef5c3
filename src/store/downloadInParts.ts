import { IntegrityError } from '../core/errors.js';
import { mapConcurrently } from '../core/mapConcurrently.js';
import { TrailingHash } from '../hashing/index.js';
import { type TransferProgress } from '../core/transferProgress.js';
import { readRangeInto, type Remote } from '../remote/remote.js';
import { type MemberWriter } from './memberWriter.js';
import { PartSink } from './partSink.js';
import { asStreamFailure } from './streamFailure.js';
import { downloadPartSize } from './transferPlan.js';

/** Parts in flight at most, whatever the concurrency: more only adds requests competing for one link. */
const partsInFlight = 8;

/**
 * Fetches a large blob as parallel ranged GETs, each written where it belongs as its bytes arrive,
 * so memory holds only a few batches per part. The sha256 is computed on a worker thread
 * that reads the file back in order just behind the written prefix, so it is ready moments after
 * the last part lands and the bytes are still read from the network once.
 */
export async function downloadInParts(remote: Remote, key: string, writer: MemberWriter, concurrency: number, progress: TransferProgress): Promise<void> {
  const size = writer.size;
  const partSize = downloadPartSize(size);
  const parts = Array.from({ length: Math.ceil(size / partSize) }, (_, index) => index * partSize);
  const prefix = new WrittenPrefix(parts.length);
  let hash: TrailingHash | undefined;
  try {
    await writer.open();
    hash = new TrailingHash(writer.destination);
    const trailing = hash;
    const spare: Buffer[] = [];
    await mapConcurrently(parts, Math.max(1, Math.min(concurrency, partsInFlight)), async (offset, index) => {
      const length = Math.min(partSize, size - offset);
      const write = async (bytes: Buffer, position: number): Promise<void> => {
        await writer.writeAt(bytes, offset + position);
        progress.advance(bytes.length, 0);
        trailing.written(prefix.advance(index, position + bytes.length, length));
      };
      // Read once: a part cut off or refused for a while is the remote's to try again, from where it
      // stopped (S3Remote.readInto), so that no two layers multiply their tries.
      const sink = new PartSink(length, spare, write, () => new IntegrityError(`${remote.locate(key)} answered more bytes than asked for at offset ${offset}`, key));
      try {
        await readRangeInto(remote, key, { offset, length }, sink);
        await sink.finish();
      } finally {
        await sink.settle();
      }
      if (sink.received !== length) throw new IntegrityError(`${remote.locate(key)} is shorter than the manifest says (${sink.received} of ${length} bytes at offset ${offset})`, key);
    });
    await writer.finishHashed(await trailing.digest(size));
    progress.advance(0, writer.tasks.length);
  } catch (error) {
    await hash?.abandon();
    await writer.abandon();
    throw asStreamFailure(error, remote, key);
  }
}

/** How far a file written in equal parts, in any order, is written without a gap from its start. */
class WrittenPrefix {
  private readonly filled: number[];
  private readonly complete: boolean[];
  private firstIncomplete = 0;
  private completeBytes = 0;

  constructor(count: number) {
    this.filled = new Array<number>(count).fill(0);
    this.complete = new Array<boolean>(count).fill(false);
  }

  /** Part `index` now has `filled` of its `length` bytes; returns the length of the gapless prefix. */
  advance(index: number, filled: number, length: number): number {
    this.filled[index] = filled;
    if (filled === length) this.complete[index] = true;
    while (this.firstIncomplete < this.complete.length && this.complete[this.firstIncomplete]) {
      this.completeBytes += this.filled[this.firstIncomplete]!;
      this.firstIncomplete++;
    }
    return this.completeBytes + (this.firstIncomplete < this.filled.length ? this.filled[this.firstIncomplete]! : 0);
  }
}
