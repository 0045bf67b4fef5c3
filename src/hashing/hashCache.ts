import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type CachedDigests, digestsOf, recordSize, setUsedAt, usedAt, writeRecord } from './hashCacheRecord.js';
import { HashCacheTable } from './hashCacheTable.js';
import { baseName, journalName, listFolder, publish, readInto, recordsIn } from './hashCacheFolder.js';
import { mergeFolder } from './hashCacheMerge.js';
import { fileIdentity, type FileStamp, stampOfEntry } from './fileStamp.js';
import { isSettled, isSettledBy } from './settledStamp.js';

export interface HashCacheOptions {
  /** The most files remembered; past it, a merge keeps the most recently used. */
  limit?: number;
  /** Journals in the folder that make the process that finds them merge them. */
  journalsBeforeMerge?: number;
}

/** 2^18 files: a base of 32 MiB at most, read in tens of milliseconds. */
export const defaultLimit = 262_144;
const defaultJournalsBeforeMerge = 16;
/** A hit refreshes a record's last use at most this often, so that a run of hits writes nothing. */
const refreshAfterSeconds = 86_400;
/**
 * Files a restore places or writes are remembered from this size on. Remembering one costs a look
 * at it once the restore is in place and a record written, about what reading and hashing 8 KiB
 * costs: a smaller file is cheaper to read again when next asked for.
 */
export const rememberRestoredFrom = 8 * 1024;
/** Journals below this size are cheaper to read than to merge. */
const mergeAfterJournalBytes = 1024 * 1024;

export interface HashCacheStatistics {
  /** Files whose digests came from the cache: not read. */
  hits: number;
  /** Files looked up and not found in this state. */
  misses: number;
  /** Records added in this process. */
  remembered: number;
}

/** A file whose content this process verified, by identity: enough to trust it where it ends up. */
interface VerifiedFile {
  size: bigint;
  mtimeNs: bigint;
  sha256: string;
  /** Settled already, or the folder of a restore whose files, together, may settle it. */
  settledBy: true | string;
}

/**
 * The sha256 (and md5 and sha1, where they were computed) of files by their stamp, remembered across
 * runs in a folder (see hashCacheFolder.ts). Loaded on first use; what a process learns is
 * written by `flush`, once, as a journal of its own. A record is trusted only while the file's
 * stamp is exactly the one recorded, and made only when the stamp is settled (settledStamp.ts).
 */
export class HashCache {
  readonly statistics: HashCacheStatistics = { hits: 0, misses: 0, remembered: 0 };
  private table: HashCacheTable | undefined;
  /** Records up to this one are on disk already. */
  private published = 0;
  private damaged = false;
  private readonly verified = new Map<string, VerifiedFile>();
  /** The latest ctime among the files a restore wrote into each staging folder. */
  private readonly folderStamps = new Map<string, bigint>();
  private readonly expected: Iterable<string>[] = [];
  private readonly limit: number;
  private readonly journalsBeforeMerge: number;

  constructor(
    readonly directory: string,
    options: HashCacheOptions = {},
  ) {
    this.limit = options.limit ?? defaultLimit;
    this.journalsBeforeMerge = options.journalsBeforeMerge ?? defaultJournalsBeforeMerge;
  }

  /** The digests recorded for the file in exactly this state, or undefined. `wantAll`: md5 and sha1 too. */
  lookup(stamp: FileStamp, wantAll: boolean): CachedDigests | undefined {
    const table = this.loaded();
    const index = table.find(stamp);
    const offset = index * recordSize;
    let found: CachedDigests | undefined;
    if (index >= 0 && table.sameState(index, stamp)) {
      // A record that fails its checksum is never trusted, and the next flush rebuilds the folder without it.
      if (table.intact(index)) found = digestsOf(table.bytes, offset, wantAll);
      else this.damaged = true;
    }
    if (found === undefined) {
      this.statistics.misses++;
      return undefined;
    }
    this.statistics.hits++;
    this.refresh(table, offset);
    return found;
  }

  /** Remembers what hashing a file found, if its stamp, taken before hashing began, is settled. */
  remember(stamp: FileStamp, digests: CachedDigests, hashStartedMs: number): void {
    if (isSettled(stamp, hashStartedMs)) this.store(stamp, digests);
  }

  /**
   * A file in the workspace that this process found to hold `sha256` (by the cache, or hashing it
   * with `settled` as the rule found it), which a restore is about to link into place.
   */
  noteVerified(stamp: FileStamp, sha256: string, settled: boolean): void {
    if (settled) this.verified.set(fileIdentity(stamp), { size: stamp.size, mtimeNs: stamp.mtimeNs, sha256, settledBy: true });
  }

  /**
   * A file a restore wrote at `path` and verified, with its stamp once written. It must sit in a
   * folder no other process writes until the restore moves it into place: a later file written
   * there is stamped by the same clock before anything else can change this one, which proves this
   * one's stamp settled (settledStamp.ts) without waiting.
   */
  noteWritten(path: string, stamp: FileStamp, sha256: string): void {
    const folder = dirname(path);
    this.verified.set(fileIdentity(stamp), { size: stamp.size, mtimeNs: stamp.mtimeNs, sha256, settledBy: folder });
    const latest = this.folderStamps.get(folder);
    if (latest === undefined || stamp.ctimeNs > latest) this.folderStamps.set(folder, stamp.ctimeNs);
  }

  /** Paths that, once the restore is in place, hold files noted above; looked at by `flush`. */
  expectAt(paths: Iterable<string>): void {
    this.expected.push(paths);
  }

  /**
   * Writes what this process learned as a journal of its own and merges the folder when enough
   * journals have gathered. Synchronous, so that it can run as the process exits. A cache that
   * cannot be written is only a cache that is not there: failures are swallowed.
   */
  flush(): void {
    try {
      this.recordExpected();
      const table = this.table;
      if (table === undefined) return;
      if (table.count > this.published) {
        publish(this.directory, journalName(), table.bytes.subarray(this.published * recordSize, table.count * recordSize));
        this.published = table.count;
      }
      if (!this.needsMerge()) return;
      // The merge reads everything back from the folder: this copy is dropped first, and read again if still wanted.
      this.table = undefined;
      this.damaged = false;
      mergeFolder(this.directory, this.limit);
    } catch {
      // Nothing to do: the next run hashes what this one could not write down.
    }
  }

  private store(stamp: FileStamp, digests: CachedDigests): void {
    const table = this.loaded();
    const offset = table.spare(1);
    writeRecord(table.bytes, offset, stamp, digests, nowSeconds());
    table.commit(1);
    this.statistics.remembered++;
  }

  /** A record in use is copied with today's date once a day, so that the size bound drops the unused first. */
  private refresh(table: HashCacheTable, offset: number): void {
    const now = nowSeconds();
    if (now - usedAt(table.bytes, offset) < refreshAfterSeconds) return;
    const copy = table.spare(1);
    table.bytes.copy(table.bytes, copy, offset, offset + recordSize);
    setUsedAt(table.bytes, copy, now);
    table.commit(1);
  }

  /** Each expected path whose file is a verified one, unchanged and settled, is remembered as it is now. */
  private recordExpected(): void {
    for (const paths of this.expected.splice(0)) {
      for (const path of paths) {
        const stamp = stampOfEntry(path);
        const verified = stamp === undefined ? undefined : this.verified.get(fileIdentity(stamp));
        if (stamp === undefined || verified === undefined || stamp.size !== verified.size || stamp.mtimeNs !== verified.mtimeNs) continue;
        const settled = verified.settledBy === true || isSettledBy(verified.mtimeNs, this.folderStamps.get(verified.settledBy) ?? 0n);
        if (settled) this.store(stamp, { sha256: verified.sha256 });
      }
    }
    this.verified.clear();
    this.folderStamps.clear();
  }

  /**
   * Merging rewrites the base, so it waits until the journals are many, or large next to the base
   * (each run then reads little beyond the base), or hold more files than the bound, or something
   * damaged was found.
   */
  private needsMerge(): boolean {
    const listing = listFolder(this.directory);
    if (this.damaged || listing.journals.length >= this.journalsBeforeMerge) return true;
    const journalBytes = listing.journals.reduce((total, name) => total + sizeOf(join(this.directory, name)), 0);
    const baseBytes = listing.bases.length === 0 ? 0 : sizeOf(join(this.directory, baseName(listing.bases[0]!)));
    return journalBytes > Math.max(mergeAfterJournalBytes, baseBytes / 4) || journalBytes + baseBytes > (this.limit + this.limit / 8) * recordSize;
  }

  private loaded(): HashCacheTable {
    if (this.table !== undefined) return this.table;
    const listing = listFolder(this.directory);
    // Room for what is on disk and for what a run typically adds, so that neither is copied to grow.
    const onDisk = recordsIn(this.directory, [...listing.bases.slice(0, 1).map(baseName), ...listing.journals]);
    const table = new HashCacheTable(onDisk + Math.max(1024, onDisk / 4));
    for (const generation of listing.bases) {
      const outcome = readInto(join(this.directory, baseName(generation)), table);
      this.damaged ||= outcome.damaged;
      if (outcome.usable) break;
    }
    for (const journal of listing.journals) this.damaged ||= readInto(join(this.directory, journal), table).damaged;
    this.published = table.count;
    this.table = table;
    return table;
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
