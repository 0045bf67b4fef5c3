import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { errorMessage, UsageError } from '../core/errors.js';
import { type Manifest, parseManifest } from '../core/manifest.js';
import { snapshotOutput } from '../workspace/outputSnapshot.js';
import { type TreeDifference, treeDifference } from '../core/treeDifference.js';
import { maximumManifestBytes } from '../store/readManifest.js';

export interface Verification extends TreeDifference {
  manifest: Manifest;
  /** The tree hash of what is on disk. */
  tree: string;
}

/** Compares a file or directory on disk with a manifest file: every added, removed and modified file. */
export async function verifyOutput(path: string, manifestPath: string): Promise<Verification> {
  const manifest = await readManifestFile(manifestPath);
  const snapshot = await snapshotOutput({ relative: basename(path), absolute: path }).catch((error: unknown) => {
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
