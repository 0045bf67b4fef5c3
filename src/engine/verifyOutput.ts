import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage, ObjectMissingError, UsageError } from '../core/errors.js';
import { type Manifest, parseManifest } from '../core/manifest.js';
import { snapshotOutput } from '../workspace/outputSnapshot.js';
import { type TreeDifference, treeDifference } from '../core/treeDifference.js';
import { maximumManifestBytes } from '../store/readManifest.js';
import { openRemote } from '../remote/openRemote.js';
import { readText } from '../remote/remote.js';
import { type S3Options } from '../remote/s3/s3Options.js';

export interface Verification extends TreeDifference {
  manifest: Manifest;
  /** The tree hash of what is on disk. */
  tree: string;
}

/**
 * Compares a file or directory on disk with a manifest: every added, removed and modified file. The
 * manifest is a file, or any location the job summary prints: `s3://bucket/key` (read with the
 * given S3 options) or a directory remote's path.
 */
export async function verifyOutput(path: string, manifestLocation: string, s3: S3Options = {}): Promise<Verification> {
  const manifest = /^s3:\/\//i.test(manifestLocation) ? await readS3Manifest(manifestLocation, s3) : await readManifestFile(localPath(manifestLocation));
  // A check of what is on disk takes nothing on trust, the hash cache included: every file is read.
  const snapshot = await snapshotOutput({ relative: basename(path), absolute: path }, { readEveryFile: true }).catch((error: unknown) => {
    throw new UsageError(`cannot read ${path}: ${errorMessage(error)}`);
  });
  if (snapshot.kind !== manifest.kind) {
    throw new UsageError(`${path} is a ${snapshot.kind === 'dir' ? 'directory' : 'file'} but the manifest describes a ${manifest.kind === 'dir' ? 'directory' : 'file'}`);
  }
  // A file output's single entry is named after the output, whatever the file is called locally.
  const files = manifest.kind === 'file' ? snapshot.files.map((file) => ({ ...file, path: manifest.files[0]!.path })) : snapshot.files;
  return { manifest, tree: snapshot.tree, ...treeDifference(manifest.files, files) };
}

/** A manifest file on disk, checked as strictly as one read from a remote. */
export async function readManifestFile(manifestPath: string): Promise<Manifest> {
  let text: string;
  try {
    text = (await readRegularFile(manifestPath, maximumManifestBytes)).toString('utf8');
  } catch (error) {
    throw new UsageError(`cannot read the manifest ${manifestPath}: ${errorMessage(error)}`);
  }
  return parseManifestText(text, manifestPath);
}

/**
 * A manifest at `s3://bucket/key`, as the summary prints it: the key is taken as printed (an
 * output's name in it stays %-encoded, as the layout writes it), from the bucket's root.
 */
async function readS3Manifest(location: string, s3: S3Options): Promise<Manifest> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/i.exec(location);
  if (match === null) throw new UsageError(`the manifest location ${location} names no object: give s3://bucket/key, as the job summary prints it`);
  const remote = await openRemote(`s3://${match[1]}`, process.cwd(), s3);
  let text: string;
  try {
    text = await readText(remote, match[2]!, maximumManifestBytes);
  } catch (error) {
    if (error instanceof ObjectMissingError) throw new UsageError(`there is no manifest at ${location}: copy the location from the job summary or the JSON report`);
    if (error instanceof RangeError) throw new UsageError(`the manifest ${location} is larger than ${maximumManifestBytes} bytes: it is no stoat manifest`);
    throw error;
  }
  return parseManifestText(text, location);
}

/** A `file://` URL as the path it names; anything else is a path already. */
function localPath(location: string): string {
  if (!/^file:\/\//i.test(location)) return location;
  try {
    return fileURLToPath(location);
  } catch (error) {
    throw new UsageError(`the manifest location ${location} is not a usable file URL (${errorMessage(error)}): give file:///absolute/path or a path`);
  }
}

function parseManifestText(text: string, manifestPath: string): Manifest {
  let claimed: { output?: unknown; key?: unknown; scope?: unknown };
  try {
    claimed = JSON.parse(text) as typeof claimed;
  } catch (error) {
    throw new UsageError(`the manifest ${manifestPath} is not valid JSON: ${errorMessage(error)}`);
  }
  try {
    return parseManifest(text, { output: String(claimed.output), key: String(claimed.key), scope: String(claimed.scope) });
  } catch (error) {
    throw new UsageError(`the manifest ${manifestPath} is not a valid stoat manifest: ${errorMessage(error)}`);
  }
}

/**
 * The bytes of a regular file of at most `largest` bytes. Anything else is refused before a byte is
 * read: a device such as /dev/zero never ends, and a named pipe would wait for a writer. The file is
 * opened without blocking (which changes nothing for a regular file) and checked through the open
 * handle, so what is read is what was checked.
 */
async function readRegularFile(path: string, largest: number): Promise<Buffer> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new Error(`it is ${fileKind(stats)}, not a regular file: give the path of a manifest file`);
    if (stats.size > largest) throw new Error(`it is larger than ${largest} bytes`);
    const buffer = Buffer.alloc(stats.size + 1);
    let length = 0;
    // One byte more than the size, to notice a file that grew after it was checked.
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > stats.size) throw new Error('it changed while it was read: read it again when nothing writes to it');
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

function fileKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a named pipe';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'a special file';
}
