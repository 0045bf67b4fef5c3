import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileDigests } from '../core/fileDigests.js';
import { countFileOpened } from './hashFileAccess.js';

/** Reads the file once and feeds every chunk to all three hashes. */
export async function hashFile(path: string): Promise<FileDigests> {
  const md5 = createHash('md5');
  const sha1 = createHash('sha1');
  const sha256 = createHash('sha256');
  let size = 0;
  countFileOpened();
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    md5.update(chunk);
    sha1.update(chunk);
    sha256.update(chunk);
    size += chunk.length;
  }
  return { size, md5: md5.digest('hex'), sha1: sha1.digest('hex'), sha256: sha256.digest('hex') };
}

/** The sha256 of a file alone, for outputs (the report's md5 and sha1 are for inputs). */
export async function sha256File(path: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  countFileOpened();
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: hash.digest('hex') };
}
