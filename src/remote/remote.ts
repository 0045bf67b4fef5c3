import { type Readable } from 'node:stream';
import { RemoteConfigurationError, RemoteError } from '../core/errors.js';
import { type ByteSink, pumpInto } from './byteSink.js';

/** A part of an object: `length` bytes from `offset`. */
export interface ByteRange {
  offset: number;
  length: number;
}

/**
 * How small files travel in packs: files smaller than `memberLimit` are packed; a pack is closed at
 * a boundary once it holds `minimumBytes`, and always at `maximumBytes` (packs are assembled in
 * memory, so this bounds memory per pack).
 */
export interface PackSizes {
  memberLimit: number;
  minimumBytes: number;
  maximumBytes: number;
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
 * What every backend does, and what some can do besides. Keys are `/`-separated and relative to the
 * remote's root; the layout (which key holds what) lives in store/layout.ts, never in a backend.
 *
 * The optional capabilities are listing (or, for a backend that can only look up, finding the newest
 * object under a prefix: one of the two is required), reading a range straight into a sink, and
 * replacing a damaged object. The store reaches them through the functions below, so a backend
 * without one fits without special cases upstream.
 *
 * Failures to reach or use the backend are RemoteError; an absent object is ObjectMissingError.
 */
export interface Remote {
  /** The remote as shown to users: never with credentials. */
  readonly display: string;
  exists(key: string): Promise<boolean>;
  read(key: string, range?: ByteRange): Promise<Readable>;
  /**
   * Writes the object unless one with that key exists: `false` when it did. For a content-addressed
   * object (a blob or pack, named by the hash of its bytes) an existing object of another length
   * cannot hold those bytes: it is what an interrupted upload left on a server that keeps partial
   * writes, and it is replaced where the backend can.
   */
  writeIfAbsent(key: string, source: WriteSource, contentAddressed?: boolean): Promise<boolean>;
  /** Where an object is, for the summary. */
  locate(key: string): string;
  /**
   * Capability: every object below a prefix that ends in `/`. Steps list one output's prefix;
   * `stoat du` and `stoat prune` list the layout's top prefixes (every manifest, every blob, every
   * pack), which may hold millions of objects: a backend pages through them (S3's 1,000 keys a
   * request) or walks its folders. Nothing lists the remote's root.
   */
  list?(prefix: string): Promise<ListedObject[]>;
  /** Capability, for a backend that cannot list: the newest object whose key starts with `prefix`. */
  newest?(prefix: string): Promise<ListedObject | undefined>;
  /**
   * Capability, for a backend that can only look up: the newest object under the first of
   * `prefixes` (each ending in `/`) that holds any, and that prefix's index, in one request. The
   * GitHub Actions cache answers up to ten prefixes at once, so a restore asks once per output for
   * its own scope and `trusted` together.
   */
  newestAmong?(prefixes: readonly string[]): Promise<{ index: number; object: ListedObject } | undefined>;
  /**
   * Property: how small files are grouped into packs on this backend, where it is not the store's
   * default (transferPlan.ts). For a backend where each object costs far more than its bytes (a
   * GitHub Actions cache entry is a create, an upload and a finalize, under a limit of 200 new
   * entries a minute per repository), larger packs keep a save to a handful of objects.
   */
  readonly packing?: PackSizes;
  /**
   * Capability: the first `count` objects below a prefix that ends in `/`, in ascending key order,
   * in one request where the backend can stop a listing early (S3's `MaxKeys`). See firstObjectsUnder.
   */
  listFirst?(prefix: string, count: number): Promise<ListedObject[]>;
  /** Capability: hands a range's bytes to `sink` as they arrive, with no stream in between. See readRangeInto. */
  readInto?(key: string, range: ByteRange, sink: ByteSink): Promise<void>;
  /**
   * Capability: writes the object whatever is there, atomically. Only for repairing an object whose
   * bytes were found not to match its name: an object that matches is never written again.
   */
  replace?(key: string, source: WriteSource): Promise<void>;
  /**
   * Capability: deletes objects, as many in one request as the backend takes (S3: up to 1,000). An
   * object already gone is no failure; one the backend refuses to delete is a RemoteError naming it.
   * Only `stoat prune` deletes, and only what no manifest uses. See deleteObjects.
   */
  delete?(keys: readonly string[]): Promise<void>;
}

/**
 * The objects below a prefix: all of them where the backend lists, the newest where it can only
 * look up. Callers pick the newest usable ones either way.
 */
export async function objectsUnder(remote: Remote, prefix: string): Promise<ListedObject[]> {
  if (remote.list !== undefined) return remote.list(prefix);
  if (remote.newest !== undefined) {
    const newest = await remote.newest(prefix);
    return newest === undefined ? [] : [newest];
  }
  throw new RemoteConfigurationError(`the remote ${remote.display} can neither list nor look up objects`);
}

/**
 * The first `count` objects below a prefix in key order: through listFirst where the backend has
 * it, else from a whole listing (or, for a backend that can only look up, the newest object).
 */
export async function firstObjectsUnder(remote: Remote, prefix: string, count: number): Promise<ListedObject[]> {
  if (remote.listFirst !== undefined) return remote.listFirst(prefix, count);
  const objects = await objectsUnder(remote, prefix);
  return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).slice(0, count);
}

/**
 * Writes an object where it is absent, or, for one found damaged, over it where the backend can
 * replace objects. `true` when this call wrote it. A backend that cannot replace keeps the damaged
 * object: the restore that found it stays a miss that names it.
 */
export async function writeOrRepair(remote: Remote, key: string, source: WriteSource, damaged: boolean, contentAddressed = true): Promise<boolean> {
  if (damaged && remote.replace !== undefined) {
    await remote.replace(key, source);
    return true;
  }
  return remote.writeIfAbsent(key, source, contentAddressed);
}

/**
 * Deletes objects where the backend can. A backend that cannot (a store that evicts entries by
 * itself) is a configuration error: the caller shows what it can instead.
 */
export async function deleteObjects(remote: Remote, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  if (remote.delete === undefined) throw new RemoteConfigurationError(`the remote ${remote.display} cannot delete objects`);
  await remote.delete(keys);
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
