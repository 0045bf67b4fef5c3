import { createHash, randomBytes } from 'node:crypto';
import { readdir, rm, stat, utimes } from 'node:fs/promises';
import { afterAll, beforeAll } from '@jest/globals';
import { join, relative } from 'node:path';
import { type ManifestFile } from '../../src/core/manifest.js';
import { manifestBytes } from '../../src/core/manifestBytes.js';
import { treeHash } from '../../src/core/treeHash.js';
import { FileRemote } from '../../src/remote/fileRemote.js';
import { openRemote } from '../../src/remote/openRemote.js';
import { type Remote } from '../../src/remote/remote.js';
import { blobKey, indexEntryKey, manifestKey, packKey } from '../../src/store/layout.js';
import { type S3Options } from '../../src/remote/s3/s3Options.js';
import { type S3Server, s3rverCredentials } from '../helpers/s3Server.js';
import { useS3Server } from '../helpers/useS3Server.js';
import { makeTemporaryDirectory } from '../helpers/workspace.js';

Object.assign(process.env, s3rverCredentials);

/** A remote under test, and ways to see and age its objects that do not go through stoat. */
export interface StoreBench {
  name: string;
  remote: Remote;
  /** The remote as the CLI and the engine are given it. */
  url: string;
  s3: S3Options;
  /** Sets when the remote says the object was written: `ageMs` before now. */
  age(key: string, ageMs: number): Promise<void>;
  /** Every key below the remote's root with the time it was written, sorted: a picture to compare. */
  picture(): Promise<string[]>;
}

export async function fileBench(root: string): Promise<StoreBench> {
  const remote = new FileRemote(root);
  return {
    name: 'directory',
    remote,
    url: root,
    s3: {},
    age: (key, ageMs) => setAge(join(root, key), ageMs),
    picture: () => filesBelow(root, ''),
  };
}

/** A fresh prefix in the server's bucket; s3rver says an object was written when its file was. */
export async function s3Bench(server: S3Server, prefix: string): Promise<StoreBench> {
  const url = `s3://${server.bucket}/${prefix}`;
  const remote = await openRemote(url, '/', { endpoint: server.endpoint });
  const bucketFolder = join(server.directory, server.bucket);
  return {
    name: 's3',
    remote,
    url,
    s3: { endpoint: server.endpoint },
    age: (key, ageMs) => setAge(join(bucketFolder, prefix, `${key}._S3rver_object`), ageMs),
    picture: () => filesBelow(join(bucketFolder, prefix), '._S3rver_object'),
  };
}

/**
 * Both kinds of remote for the tests of a suite: each call of an opener gives a fresh directory
 * store, or a fresh prefix in the suite's bucket. `root()` is the suite's own temporary folder.
 */
export function useStoreBenches(label: string): { kinds: [string, () => Promise<StoreBench>][]; root: () => string } {
  let root = '';
  let server: S3Server | undefined;
  let count = 0;
  useS3Server((started) => (server = started));
  beforeAll(async () => {
    root = await makeTemporaryDirectory(label);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const kinds: [string, () => Promise<StoreBench>][] = [
    ['directory', () => fileBench(join(root, `store-${++count}`))],
    ['s3', () => s3Bench(server!, `${label}-${++count}`)],
  ];
  return { kinds, root: () => root };
}

async function setAge(path: string, ageMs: number): Promise<void> {
  const time = new Date(Date.now() - ageMs);
  await utimes(path, time, time);
}

async function filesBelow(root: string, suffix: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const found: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith(suffix)) continue;
    const path = join(entry.parentPath, entry.name);
    const key = relative(root, path);
    found.push(`${key.slice(0, key.length - suffix.length)} ${(await stat(path)).mtimeMs}`);
  }
  return found.sort();
}

export const hours = 3_600_000;

/** A saved result written straight into a remote, with the time it claims and the age its objects have. */
export interface FixtureResult {
  output: string;
  scope: string;
  /** Hours before now that the save says it was made. */
  createdHoursAgo: number;
  /** Hours before now that the remote says its manifest and objects were written (default: as created). */
  writtenHoursAgo?: number;
  /** File name and content; files of equal content share one blob across results. */
  files: Record<string, string>;
  /** Writes all files into one pack instead of a blob each. */
  packed?: boolean;
}

export interface WrittenResult {
  key: string;
  manifest: string;
  /** Its entry in the index of saves. */
  entry: string;
  objects: string[];
}

/**
 * Writes one result as a save would (objects first, then its manifest and index entry), then ages
 * what it wrote. The command key is random: every result is one save of its own.
 */
export async function writeResult(bench: StoreBench, result: FixtureResult): Promise<WrittenResult> {
  const key = randomBytes(32).toString('hex');
  const created = Date.now() - result.createdHoursAgo * hours;
  const names = Object.keys(result.files).sort();
  const contents = names.map((name) => Buffer.from(result.files[name]!));
  const digests = contents.map((content) => createHash('sha256').update(content).digest('hex'));
  const objects: { key: string; bytes: Buffer }[] = [];
  let files: ManifestFile[];
  if (result.packed === true) {
    const pack = Buffer.concat(contents);
    const sha = createHash('sha256').update(pack).digest('hex');
    objects.push({ key: packKey(sha), bytes: pack });
    let offset = 0;
    files = names.map((path, index) => {
      const file = { path, size: contents[index]!.length, sha256: digests[index]!, mode: 0o644, pack: sha, offset };
      offset += contents[index]!.length;
      return file;
    });
  } else {
    files = names.map((path, index) => ({ path, size: contents[index]!.length, sha256: digests[index]!, mode: 0o644, blob: digests[index]! }));
    names.forEach((_, index) => objects.push({ key: blobKey(digests[index]!), bytes: contents[index]! }));
  }
  const tree = treeHash(files);
  const head = { stoat: 1 as const, output: result.output, kind: 'dir' as const, key, scope: result.scope, tree, inputs: [], command: ['fixture'], env: [], extra: '', provenance: provenance(created) };
  for (const object of objects) await bench.remote.writeIfAbsent(object.key, { bytes: object.bytes }, true);
  const manifest = manifestKey(result.output, key, result.scope, tree);
  await bench.remote.writeIfAbsent(manifest, { bytes: manifestBytes(head, files.length, (index) => files[index]!) });
  const entry = indexEntryKey(result.output, result.scope, created, key, tree);
  await bench.remote.writeIfAbsent(entry, { bytes: new Uint8Array(0) });
  const ageMs = (result.writtenHoursAgo ?? result.createdHoursAgo) * hours;
  for (const written of [...objects.map((object) => object.key), manifest, entry]) await bench.age(written, ageMs);
  return { key, manifest, entry, objects: [...new Set(objects.map((object) => object.key))] };
}

function provenance(created: number) {
  return { commit: null, dirty: null, ref: null, event: null, run: null, workflow: null, repository: null, pull_request: null, created: new Date(created).toISOString(), duration_ms: null };
}

/** An object no manifest uses, as an interrupted save leaves one, written `hoursAgo`. */
export async function writeOrphan(bench: StoreBench, content: string, hoursAgo: number): Promise<string> {
  const key = blobKey(createHash('sha256').update(content).digest('hex'));
  await bench.remote.writeIfAbsent(key, { bytes: Buffer.from(content) }, true);
  await bench.age(key, hoursAgo * hours);
  return key;
}
