import { type FileStamp } from './fileStamp.js';

/**
 * The binary form of the hash cache: a 16-byte file header, then records of 128 bytes, little-endian.
 * Fixed-size records are read straight into one buffer and indexed in place: no parsing, no object
 * per file, so a few hundred thousand load in tens of milliseconds. Each record carries a checksum
 * of its other 31 words: a torn write, a flipped bit or garbage fails the check and is never trusted.
 *
 *   header   0  "stoatHC1"           record   0  u32 checksum of words 1..31
 *            8  u32 record size (128)          4  u8 format (1)   5  u8 digests (1 sha256, 7 all three)
 *           12  u32 checksum of words 0..2     8  u32 last used, seconds since 1970
 *                                             16  u64 device   24  u64 inode   32  u64 size
 *                                             40  i64 mtime ns 48  i64 ctime ns
 *                                             56  sha256 (32)  88  md5 (16)    104  sha1 (20)
 */
export const recordSize = 128;
export const headerSize = 16;
/** Record fields as indexes of 32-bit and 64-bit words from the record's start. */
export const recordWords = recordSize / 4;
export const field = { usedAt: 2, devWord: 4, inoWord: 6, dev: 2, ino: 3, size: 4, mtime: 5, ctime: 6 } as const;

const magic = Buffer.from('stoatHC1', 'latin1');
export const recordFormat = 1;
const sha256Only = 1;
const allDigests = 7;

/** What the cache gives back for a file: its sha256, and its md5 and sha1 when they were computed. */
export interface CachedDigests {
  sha256: string;
  md5?: string;
  sha1?: string;
}

/**
 * A 32-bit checksum of `count` words from `first`: each word mixed in by a multiplication that is a
 * one-to-one map, so that changing any one word always changes the sum, and a final mix. Computed
 * in a few dozen nanoseconds, where a call into zlib's CRC costs ten times that per record.
 */
export function checksum(words: Uint32Array, first: number, count: number): number {
  let sum = 0x811c9dc5;
  for (let index = first; index < first + count; index++) sum = Math.imul(sum ^ words[index]!, 0x01000193);
  sum = Math.imul(sum ^ (sum >>> 16), 0x85ebca6b);
  sum = Math.imul(sum ^ (sum >>> 13), 0xc2b2ae35);
  return (sum ^ (sum >>> 16)) >>> 0;
}

/** The 32-bit words of `bytes` from `offset` (a multiple of 4 from an aligned start), copied when they are not aligned. */
function wordsAt(bytes: Buffer, offset: number, count: number): Uint32Array {
  const start = bytes.byteOffset + offset;
  if (start % 4 === 0) return new Uint32Array(bytes.buffer, start, count);
  return new Uint32Array(Uint8Array.from(bytes.subarray(offset, offset + count * 4)).buffer);
}

export function fileHeader(): Buffer {
  const header = Buffer.alloc(headerSize);
  magic.copy(header, 0);
  header.writeUInt32LE(recordSize, 8);
  header.writeUInt32LE(checksum(wordsAt(header, 0, 3), 0, 3), 12);
  return header;
}

export function isFileHeader(bytes: Buffer): boolean {
  return (
    bytes.length >= headerSize &&
    bytes.subarray(0, 8).equals(magic) &&
    bytes.readUInt32LE(8) === recordSize &&
    bytes.readUInt32LE(12) === checksum(wordsAt(bytes, 0, 3), 0, 3)
  );
}

export function writeRecord(target: Buffer, offset: number, stamp: FileStamp, digests: CachedDigests, usedAtSeconds: number): void {
  target.fill(0, offset, offset + recordSize);
  const all = digests.md5 !== undefined && digests.sha1 !== undefined;
  target[offset + 4] = recordFormat;
  target[offset + 5] = all ? allDigests : sha256Only;
  target.writeUInt32LE(usedAtSeconds >>> 0, offset + 8);
  target.writeBigUInt64LE(BigInt.asUintN(64, stamp.dev), offset + 16);
  target.writeBigUInt64LE(BigInt.asUintN(64, stamp.ino), offset + 24);
  target.writeBigUInt64LE(BigInt.asUintN(64, stamp.size), offset + 32);
  target.writeBigInt64LE(BigInt.asIntN(64, stamp.mtimeNs), offset + 40);
  target.writeBigInt64LE(BigInt.asIntN(64, stamp.ctimeNs), offset + 48);
  target.write(digests.sha256, offset + 56, 32, 'hex');
  if (all) {
    target.write(digests.md5!, offset + 88, 16, 'hex');
    target.write(digests.sha1!, offset + 104, 20, 'hex');
  }
  seal(target, offset);
}

/** Sets the record's checksum, after it was written or its last-used time changed. */
export function seal(target: Buffer, offset: number): void {
  target.writeUInt32LE(checksum(wordsAt(target, offset, recordWords), 1, recordWords - 1), offset);
}

export function isIntact(bytes: Buffer, offset: number): boolean {
  const words = wordsAt(bytes, offset, recordWords);
  return bytes[offset + 4] === recordFormat && words[0] === checksum(words, 1, recordWords - 1);
}

/** The record's digests, or undefined when it lacks md5 and sha1 and they are wanted. */
export function digestsOf(bytes: Buffer, offset: number, wantAll: boolean): CachedDigests | undefined {
  const all = bytes[offset + 5] === allDigests;
  if (wantAll && !all) return undefined;
  const sha256 = bytes.toString('hex', offset + 56, offset + 88);
  if (!all) return { sha256 };
  return { sha256, md5: bytes.toString('hex', offset + 88, offset + 104), sha1: bytes.toString('hex', offset + 104, offset + 124) };
}

export function usedAt(bytes: Buffer, offset: number): number {
  return bytes.readUInt32LE(offset + 8);
}

export function setUsedAt(bytes: Buffer, offset: number, seconds: number): void {
  bytes.writeUInt32LE(seconds >>> 0, offset + 8);
  seal(bytes, offset);
}
