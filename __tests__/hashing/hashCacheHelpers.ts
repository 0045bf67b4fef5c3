import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { filesOpenedForHashing } from '../../src/hashing/hashFileAccess.js';
import { headerSize, isFileHeader, isIntact, recordSize } from '../../src/hashing/hashCacheRecord.js';

/** An hour ago: a file last written then is settled by any rule. */
export const anHourAgo = new Date(Date.now() - 3_600_000);

/** Writes a file and dates it an hour back, as a file written in an earlier session would be. */
export async function writeOldFile(path: string, content: string | Uint8Array, when = anHourAgo): Promise<void> {
  await writeFile(path, content);
  await utimes(path, when, when);
}

/** `count` small files of distinct content, written long ago, and their sha256s. */
export async function oldFiles(directory: string, count: number, prefix = 'file', when = anHourAgo): Promise<{ paths: string[]; contents: string[]; digests: string[] }> {
  await mkdir(directory, { recursive: true });
  const contents = Array.from({ length: count }, (_, index) => `${prefix} ${index}\n`.repeat(index + 1));
  const paths = contents.map((_, index) => join(directory, `${prefix}-${index}.txt`));
  for (const [index, path] of paths.entries()) await writeOldFile(path, contents[index]!, when);
  return { paths, contents, digests: contents.map((content) => createHash('sha256').update(content).digest('hex')) };
}

/** Calls `use` and returns how many files hashing opened meanwhile: none for what the cache knew. */
export async function filesOpenedBy(use: () => Promise<unknown>): Promise<number> {
  const before = filesOpenedForHashing();
  await use();
  return filesOpenedForHashing() - before;
}

/** What the cache folder holds: per file, whether its header is right and how many whole and intact records it has. */
export interface FolderContents {
  files: { name: string; header: boolean; records: number; intact: number; partial: boolean }[];
  /** Intact records in the newest readable base and the journals: what a reader gets. */
  readable: number;
}

export function folderContents(directory: string): FolderContents {
  // Arrays of this realm, not Node's: the tests compare them with deepStrictEqual.
  const files = Array.from(readdirSync(directory))
    .sort()
    .map((name) => {
      const bytes = readFileSync(join(directory, name));
      const header = isFileHeader(bytes);
      const records = header ? Math.floor((bytes.length - headerSize) / recordSize) : 0;
      let intact = 0;
      for (let index = 0; index < records; index++) if (isIntact(bytes, headerSize + index * recordSize)) intact++;
      return { name, header, records, intact, partial: header && (bytes.length - headerSize) % recordSize !== 0 };
    });
  const bases = files.filter((file) => /^base-\d+$/.test(file.name) && file.header).sort((a, b) => Number(b.name.slice(5)) - Number(a.name.slice(5)));
  const readable = (bases[0]?.intact ?? 0) + files.filter((file) => file.name.startsWith('journal-')).reduce((sum, file) => sum + file.intact, 0);
  return { files, readable };
}
