import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { errorMessage, UsageError } from '../core/errors.js';
import { type Manifest, parseManifest } from '../core/manifest.js';
import { snapshotOutput } from '../core/outputSnapshot.js';
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
    const buffer = await readFile(manifestPath);
    if (buffer.length > maximumManifestBytes) throw new Error(`it is larger than ${maximumManifestBytes} bytes`);
    text = buffer.toString('utf8');
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

