import { createHash } from 'node:crypto';

/** What the input-hash report gives for one file: all three digests from one read. */
export interface FileDigests {
  size: number;
  md5: string;
  sha1: string;
  sha256: string;
}

/** The sha256 of a file and its size: what a manifest records for an output. */
export interface FileSha256 {
  size: number;
  sha256: string;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
