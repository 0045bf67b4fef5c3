import { type FileStamp } from './fileStamp.js';
import { checksum, field, recordFormat, recordSize, recordWords } from './hashCacheRecord.js';

const recordLongs = recordSize / 8;

/**
 * Records in one growing buffer, found by device and inode through an open-addressing index of
 * record numbers. One record per file is indexed: the one with the latest ctime, which is the
 * file's latest known state (the same inode reused by a new file has a later ctime, too).
 * Records that arrive later for the same file stay in the buffer but out of the index. Fields are
 * read through typed views of the buffer, whose start is aligned: a look-up compares a few words
 * and makes no object.
 */
export class HashCacheTable {
  bytes: Buffer;
  count = 0;
  private words: Uint32Array;
  private longs: BigUint64Array;
  private signedLongs: BigInt64Array;
  private slots: Int32Array;
  private mask: number;

  constructor(capacity = 1024) {
    this.bytes = Buffer.allocUnsafeSlow(Math.max(1, capacity) * recordSize);
    [this.words, this.longs, this.signedLongs] = views(this.bytes);
    this.slots = new Int32Array(slotCountFor(capacity));
    this.mask = this.slots.length - 1;
  }

  /** Room for `records` more, and the byte offset where the first of them goes: fill it, then `commit`. */
  spare(records: number): number {
    const needed = (this.count + records) * recordSize;
    if (needed > this.bytes.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(needed, this.bytes.length * 2));
      this.bytes.copy(grown, 0, 0, this.count * recordSize);
      this.bytes = grown;
      [this.words, this.longs, this.signedLongs] = views(grown);
    }
    return this.count * recordSize;
  }

  /** Indexes the `records` written after the last committed one. */
  commit(records: number): void {
    const first = this.count;
    this.count += records;
    if (this.count * 2 > this.slots.length) this.reindex();
    else for (let index = first; index < this.count; index++) this.place(index);
  }

  /** The record number of the file with the stamp's device and inode, or -1. */
  find(stamp: FileStamp): number {
    const ino = BigInt.asUintN(64, stamp.ino);
    const dev = BigInt.asUintN(64, stamp.dev);
    const hash = slotHash(Number(ino & 0xffffffffn), Number(ino >> 32n), Number(dev & 0xffffffffn));
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) return -1;
      const base = (entry - 1) * recordLongs;
      if (this.longs[base + field.ino] === ino && this.longs[base + field.dev] === dev) return entry - 1;
    }
  }

  /** Whether the record's size and times are the stamp's. */
  sameState(index: number, stamp: FileStamp): boolean {
    const base = index * recordLongs;
    return this.longs[base + field.size] === BigInt.asUintN(64, stamp.size) && this.signedLongs[base + field.mtime] === stamp.mtimeNs && this.signedLongs[base + field.ctime] === stamp.ctimeNs;
  }

  /** Whether the record's checksum holds (hashCacheRecord.ts), read through the table's own view. */
  intact(index: number): boolean {
    const base = index * recordWords;
    return this.bytes[index * recordSize + 4] === recordFormat && this.words[base] === checksum(this.words, base + 1, recordWords - 1);
  }

  /** The record numbers the index holds: one per file. */
  *indexed(): Generator<number> {
    for (const entry of this.slots) if (entry !== 0) yield entry - 1;
  }

  private reindex(): void {
    this.slots = new Int32Array(slotCountFor(this.count));
    this.mask = this.slots.length - 1;
    for (let index = 0; index < this.count; index++) this.place(index);
  }

  private place(index: number): void {
    const words = this.words;
    const base = index * recordWords;
    const [devLow, devHigh, inoLow, inoHigh] = [words[base + field.devWord]!, words[base + field.devWord + 1]!, words[base + field.inoWord]!, words[base + field.inoWord + 1]!];
    for (let slot = slotHash(inoLow, inoHigh, devLow) & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot]!;
      if (entry === 0) {
        this.slots[slot] = index + 1;
        return;
      }
      const other = (entry - 1) * recordWords;
      if (words[other + field.inoWord] !== inoLow || words[other + field.inoWord + 1] !== inoHigh || words[other + field.devWord] !== devLow || words[other + field.devWord + 1] !== devHigh) continue;
      if (this.supersedes(index, entry - 1)) this.slots[slot] = index + 1;
      return;
    }
  }

  /**
   * A later state of the file replaces an earlier one. The checksums are looked at only here, where
   * two records claim one file: a damaged record never hides an intact one.
   */
  private supersedes(index: number, other: number): boolean {
    const intact = this.intact(index);
    if (intact !== this.intact(other)) return intact;
    return this.signedLongs[index * recordLongs + field.ctime]! >= this.signedLongs[other * recordLongs + field.ctime]!;
  }
}

function views(bytes: Buffer): [Uint32Array, BigUint64Array, BigInt64Array] {
  const length = Math.floor(bytes.length / 8);
  return [new Uint32Array(bytes.buffer, bytes.byteOffset, length * 2), new BigUint64Array(bytes.buffer, bytes.byteOffset, length), new BigInt64Array(bytes.buffer, bytes.byteOffset, length)];
}

/** A well-spread hash of a file's identity, for the index's slots. */
function slotHash(inoLow: number, inoHigh: number, devLow: number): number {
  let hash = Math.imul(inoLow ^ 0x9e3779b9, 0x85ebca6b);
  hash = Math.imul(hash ^ inoHigh ^ (hash >>> 13), 0xc2b2ae35);
  hash = Math.imul(hash ^ devLow ^ (hash >>> 16), 0x27d4eb2f);
  return (hash ^ (hash >>> 15)) >>> 0;
}

/** A power of two at least twice the records, so that probes stay short. */
function slotCountFor(records: number): number {
  let slots = 1024;
  while (slots < records * 2) slots *= 2;
  return slots;
}
