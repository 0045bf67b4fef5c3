import { randomBytes } from 'node:crypto';
import { errorMessage, ObjectMissingError } from '../core/errors.js';
import { mapConcurrently } from '../core/mapConcurrently.js';
import { type ListedObject, readText, type Remote } from '../remote/remote.js';
import { classifyStoredKey, unusedRecordKey } from './layout.js';

/** A record holds object keys alone, about a hundred bytes each: this is millions of them. */
const maximumRecordBytes = 256 * 1024 * 1024;

/** What the records under `unused/` say, as of one reading. */
export interface RecordReading {
  /** Objects named by a record written within the grace period: nothing deletes them yet. */
  held: Set<string>;
  /** Records older than the grace period: they hold nothing any more, and a prune deletes them. */
  expired: ListedObject[];
  /** Records within the grace period that could not be read: while one is there, no unused object is deleted. */
  unreadable: string[];
  /** Every record read or judged so far, so a reading again only reads the new ones. */
  seen: Set<string>;
}

export function emptyRecordReading(): RecordReading {
  return { held: new Set(), expired: [], unreadable: [], seen: new Set() };
}

/**
 * Reads the records not read before into `into`. A record's age is the remote's own time for it,
 * the clock the objects' ages are told by too.
 */
export async function readRecords(remote: Remote, records: readonly ListedObject[], now: number, graceMs: number, concurrency: number, into: RecordReading): Promise<void> {
  const fresh = records.filter((record) => !into.seen.has(record.key));
  for (const record of fresh) into.seen.add(record.key);
  const young = fresh.filter((record) => now - record.modified < graceMs);
  into.expired.push(...fresh.filter((record) => now - record.modified >= graceMs));
  await mapConcurrently(young, concurrency, async (record) => {
    try {
      for (const object of parseRecord(await readText(remote, record.key, maximumRecordBytes))) into.held.add(object);
    } catch (error) {
      // Gone: its prune has deleted it, or another prune found it expired.
      if (error instanceof ObjectMissingError) return;
      if (!(error instanceof RangeError || error instanceof SyntaxError)) throw error;
      into.unreadable.push(`${remote.locate(record.key)} cannot be read: ${errorMessage(error)}`);
    }
  });
}

/**
 * Writes a record of objects a prune's removals left unused, before the removals themselves: had
 * the prune stopped between the two, the record would only hold objects that are still used.
 */
export async function writeRecord(remote: Remote, objects: readonly string[], now: number): Promise<string> {
  const key = unusedRecordKey(now, randomBytes(8).toString('hex'));
  const text = JSON.stringify({ stoat: 1, written: new Date(now).toISOString(), objects });
  await remote.writeIfAbsent(key, { bytes: Buffer.from(text) }, false);
  return key;
}

function parseRecord(text: string): string[] {
  const value = JSON.parse(text) as { stoat?: unknown; objects?: unknown };
  if (value === null || typeof value !== 'object' || value.stoat !== 1 || !Array.isArray(value.objects)) throw new SyntaxError('it is not a record of unused objects');
  return value.objects.map((object: unknown) => {
    const kind = typeof object === 'string' ? classifyStoredKey(object).kind : 'unknown';
    if (kind !== 'blob' && kind !== 'pack') throw new SyntaxError(`it names ${JSON.stringify(object)}, which is no blob or pack`);
    return object as string;
  });
}
