import { type Readable } from 'node:stream';
import { RemoteError } from '../core/errors.js';
import { type ByteSink, pumpInto } from './byteSink.js';

/** A part of an object: `length` bytes from `offset`. */
export interface ByteRange {
  offset: number;
  length: number;
}

/** One object found by a listing. */
export interface ListedObject {
  key: string;
  size: number;
  /** Milliseconds since the epoch: when the object was written. */
  modified: number;
}

/**
 * A file on disk to write as an object. With `sha256`, a backend stores nothing unless the bytes it
 * sent have exactly that hash and size: the file may have changed since it was hashed.
 */
export interface FileSource {
  file: string;
  size: number;
  sha256?: string;
}

/** The bytes to write: a file on disk (never held whole in memory when large) or a small buffer. */
export type WriteSource = FileSource | { bytes: Uint8Array; sha256?: string };

/**
 * What every backend offers. Keys are `/`-separated and relative to the remote's root; the layout
 * (which key holds what) lives in store/layout.ts, never in a backend.
 *
 * Failures to reach or use the backend are RemoteError; an absent object is ObjectMissingError.
 */
export interface Remote {
  /** The remote as shown to users: never with credentials. */
  readonly display: string;
  /** Objects below a prefix that ends in `/`. Only ever called on one output's prefix, never on the root. */
  list(prefix: string): Promise<ListedObject[]>;
  exists(key: string): Promise<boolean>;
  read(key: string, range?: ByteRange): Promise<Readable>;
  /** Hands a range's bytes to `sink` as they arrive, with no stream in between. Optional: see readRangeInto. */
  readInto?(key: string, range: ByteRange, sink: ByteSink): Promise<void>;
  /**
   * Writes the object unless one with that key exists: `false` when it did. For a content-addressed
   * object (a blob or pack, named by the hash of its bytes) an existing object of another length
   * cannot hold those bytes: it is what an interrupted upload left on a server that keeps partial
   * writes, and it is replaced.
   */
  writeIfAbsent(key: string, source: WriteSource, contentAddressed?: boolean): Promise<boolean>;
  /**
   * Writes the object whatever is there, atomically. Only for repairing an object whose bytes were
   * found not to match its name: an object that matches is never written again.
   */
  replace(key: string, source: WriteSource): Promise<void>;
  /** Where an object is, for the summary. */
  locate(key: string): string;
}

/** Reads a range into a sink: directly where the backend can, through its stream where it cannot. */
export async function readRangeInto(remote: Remote, key: string, range: ByteRange, sink: ByteSink): Promise<void> {
  if (remote.readInto !== undefined) return remote.readInto(key, range, sink);
  await pumpInto(await remote.read(key, range), sink);
}

export function sourceLength(source: WriteSource): number {
  return 'file' in source ? source.size : source.bytes.length;
}

/** Reads a whole small object, refusing one larger than `maximumBytes`. */
export async function readText(remote: Remote, key: string, maximumBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  const stream = await remote.read(key);
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maximumBytes) throw new RangeError(`${remote.locate(key)} is larger than ${maximumBytes} bytes`);
      chunks.push(chunk);
    }
  } catch (error) {
    stream.destroy();
    if (error instanceof RangeError) throw error;
    throw new RemoteError(`reading ${remote.locate(key)} failed: ${(error as Error).message}`, remote.display, { cause: error });
  }
  return Buffer.concat(chunks).toString('utf8');
}
