import { silentWalk, type WalkProgress } from '../core/walkProgress.js';
import { type Remote } from '../remote/remote.js';
import { listStore, type StoreListing } from './storeListing.js';
import { emptyReadResults, readResults, type ReadResults } from './storedResults.js';
import { emptyRecordReading, readRecords, type RecordReading } from './unusedRecord.js';

/** A whole store as one walk saw it. */
export interface StoreWalk {
  listing: StoreListing;
  read: ReadResults;
  records: RecordReading;
  /** This machine's time when the listing was asked for: ages are told from it. */
  now: number;
}

export interface WalkSettings {
  concurrency: number;
  graceMs: number;
  progress?: WalkProgress;
}

/**
 * Lists everything under the layout and reads every manifest and every record of unused objects
 * that is younger than the grace period. What `stoat du` shows and what `stoat prune` starts from.
 */
export async function walkStore(remote: Remote, settings: WalkSettings): Promise<StoreWalk> {
  const progress = settings.progress ?? silentWalk;
  try {
    const now = Date.now();
    progress.step('listing the store', 0, undefined);
    const listing = await listStore(remote);
    progress.step('listing the store', listing.manifests.length + listing.objects.size, listing.manifests.length + listing.objects.size);
    const read = emptyReadResults();
    await readResults(remote, listing.manifests, settings.concurrency, read, progress);
    const records = emptyRecordReading();
    await readRecords(remote, listing.records, now, settings.graceMs, settings.concurrency, records);
    return { listing, read, records, now };
  } finally {
    progress.end();
  }
}
