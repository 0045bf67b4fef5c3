import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fileHeader, headerSize, isFileHeader, recordSize } from './hashCacheRecord.js';
import { type HashCacheTable } from './hashCacheTable.js';

/**
 * The hash cache's folder. Nothing in it is ever written in place, so any number of processes can
 * share it:
 *   journal-<pid>-<random>   what one process learned, written whole under a temporary name, then
 *                            renamed: a journal that can be seen is finished
 *   base-<generation>        the journals merged, by whichever process found enough of them; the
 *                            highest readable generation is the one in force
 *   .tmp-<pid>-<random>      a file being written
 * A reader takes the newest readable base and every journal. Records carry checksums, so a file cut
 * short or damaged loses only its bad records, and a file with a bad header is skipped whole. Other
 * names are left alone.
 */
export interface FolderListing {
  /** Generations of the bases present, highest first, readable or not. */
  bases: number[];
  journals: string[];
  temporary: string[];
}

const basePattern = /^base-(\d{1,15})$/;

export function listFolder(directory: string): FolderListing {
  const listing: FolderListing = { bases: [], journals: [], temporary: [] };
  let names: string[];
  try {
    names = readdirSync(directory);
  } catch {
    return listing;
  }
  for (const name of names) {
    const base = basePattern.exec(name);
    if (base !== null) listing.bases.push(Number(base[1]));
    else if (name.startsWith('journal-')) listing.journals.push(name);
    else if (name.startsWith('.tmp-')) listing.temporary.push(name);
  }
  listing.bases.sort((a, b) => b - a);
  return listing;
}

export function baseName(generation: number): string {
  return `base-${generation}`;
}

/** How many records the named files hold: what a table is made for, so that reading them into it copies nothing twice. */
export function recordsIn(directory: string, names: readonly string[]): number {
  let records = 0;
  for (const name of names) {
    try {
      records += Math.max(0, Math.floor((statSync(join(directory, name)).size - headerSize) / recordSize));
    } catch {
      // Gone since the listing: nothing to make room for.
    }
  }
  return records;
}

/** What reading a file into the table found: `usable` when its header is right, `damaged` when anything was wrong. */
export interface ReadOutcome {
  usable: boolean;
  damaged: boolean;
}

/**
 * Appends the whole records of a cache file to the table. A file with a wrong header gives none; one
 * that ends inside a record gives the whole ones before. Checksums are the table's to check.
 */
export function readInto(path: string, table: HashCacheTable): ReadOutcome {
  let descriptor: number;
  try {
    descriptor = openSync(path, 'r');
  } catch {
    // Merged and removed by another process since the listing: its records are in a newer base.
    return { usable: false, damaged: false };
  }
  try {
    const size = fstatSync(descriptor).size;
    // An empty base is a generation claimed by a merge still writing it (hashCacheMerge.ts).
    if (size === 0) return { usable: false, damaged: false };
    const header = Buffer.alloc(headerSize);
    if (size < headerSize || !readFully(descriptor, header, 0, headerSize, 0) || !isFileHeader(header)) return { usable: false, damaged: true };
    const records = Math.floor((size - headerSize) / recordSize);
    const offset = table.spare(records);
    if (!readFully(descriptor, table.bytes, offset, records * recordSize, headerSize)) return { usable: false, damaged: true };
    table.commit(records);
    return { usable: true, damaged: (size - headerSize) % recordSize !== 0 };
  } catch {
    return { usable: false, damaged: true };
  } finally {
    closeSync(descriptor);
  }
}

function readFully(descriptor: number, target: Buffer, offset: number, length: number, position: number): boolean {
  for (let done = 0; done < length; ) {
    const count = readSync(descriptor, target, offset + done, length - done, position + done);
    if (count === 0) return false;
    done += count;
  }
  return true;
}

/** Writes a cache file of `records` under a temporary name and renames it to `name`. */
export function publish(directory: string, name: string, records: Buffer): void {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const temporary = join(directory, temporaryName());
  const descriptor = openSync(temporary, 'wx', 0o600);
  try {
    writeFully(descriptor, fileHeader());
    writeFully(descriptor, records);
  } catch (error) {
    closeSync(descriptor);
    removeQuietly(temporary);
    throw error;
  }
  closeSync(descriptor);
  try {
    renameSync(temporary, join(directory, name));
  } catch (error) {
    removeQuietly(temporary);
    throw error;
  }
}

export function journalName(): string {
  return `journal-${process.pid}-${randomBytes(6).toString('hex')}`;
}

function temporaryName(): string {
  return `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
}

function writeFully(descriptor: number, bytes: Buffer): void {
  for (let written = 0; written < bytes.length; ) written += writeSync(descriptor, bytes, written, bytes.length - written);
}

export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone (another process cleaned up first), or not ours to remove: either way, left.
  }
}
