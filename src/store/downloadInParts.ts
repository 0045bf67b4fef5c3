import { IntegrityError } from '../core/errors.js';
import { type TransferProgress } from '../core/transferProgress.js';
import { type Remote } from '../remote/remote.js';
import { type MemberWriter } from './memberWriter.js';
import { asStreamFailure } from './streamFailure.js';
import { downloadPartSize } from './transferPlan.js';

/** Parts fetched ahead of the one being written: this times the part size bounds the memory used. */
const partsAhead = 8;

/**
 * Fetches a large blob as parallel ranged GETs but writes and hashes it strictly in order, so the
 * sha256 is computed in the same pass as the write. At most `partsAhead` parts are held in memory.
 */
export async function downloadInParts(remote: Remote, key: string, writer: MemberWriter, concurrency: number, progress: TransferProgress): Promise<void> {
  const size = writer.size;
  const count = Math.ceil(size / downloadPartSize);
  const fetching = new Map<number, Promise<Buffer>>();
  let nextToStart = 0;
  const startNext = (): void => {
    const index = nextToStart++;
    const part = fetchPart(remote, key, index * downloadPartSize, Math.min(downloadPartSize, size - index * downloadPartSize));
    // Failures are seen when the part's turn comes; until then they must not count as unhandled.
    part.catch(() => undefined);
    fetching.set(index, part);
  };
  try {
    while (nextToStart < Math.min(count, Math.max(1, Math.min(concurrency, partsAhead)))) startNext();
    for (let index = 0; index < count; index++) {
      const bytes = await fetching.get(index)!;
      fetching.delete(index);
      if (nextToStart < count) startNext();
      await writer.write(bytes);
      progress.advance(bytes.length, 0);
    }
    await writer.finish();
    progress.advance(0, writer.tasks.length);
  } catch (error) {
    await writer.abandon();
    throw asStreamFailure(error, remote, key);
  }
}

async function fetchPart(remote: Remote, key: string, offset: number, length: number): Promise<Buffer> {
  const bytes = Buffer.allocUnsafe(length);
  let filled = 0;
  for await (const chunk of (await remote.read(key, { offset, length })) as AsyncIterable<Buffer>) {
    if (filled + chunk.length > length) throw new IntegrityError(`${remote.locate(key)} answered more bytes than asked for at offset ${offset}`, key);
    chunk.copy(bytes, filled);
    filled += chunk.length;
  }
  if (filled !== length) throw new IntegrityError(`${remote.locate(key)} is shorter than the manifest says (${filled} of ${length} bytes at offset ${offset})`, key);
  return bytes;
}
