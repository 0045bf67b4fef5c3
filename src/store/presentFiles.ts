import { type Stats, chmodSync, linkSync, lstatSync, realpathSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type DeclaredPath } from '../core/declaredPath.js';
import { type Manifest, type ManifestFile } from '../core/manifest.js';
import { mapConcurrently } from '../core/mapConcurrently.js';
import { HashFileError } from '../core/errors.js';
import { sha256OfFiles } from '../hashing/index.js';
import { onLocalDisk } from './localDisk.js';

/** An output being restored into a staging directory, as far as reusing what is already there goes. */
export interface StagingOutput {
  declared: DeclaredPath;
  manifest: Manifest;
  staging: string;
  /** The target with its parent's links resolved: where a reused file must really be. */
  realTarget: string;
}

/** A file in the workspace that may already hold what the manifest wants. */
interface Candidate {
  output: StagingOutput;
  file: ManifestFile;
  target: string;
  mode: number;
}

/** Files hashed at once when one unreadable file has failed the batch. */
const singleFileConcurrency = 16;

/**
 * Links into staging the files already in the workspace with the right content, so they are not
 * downloaded, and returns them. The sizes are checked first and the contents are hashed in one batch
 * (large files by the hashing pool); a file that differs or cannot be read is simply fetched again.
 * The staging folders must exist.
 */
export async function reusePresentFiles(outputs: readonly StagingOutput[]): Promise<Set<ManifestFile>> {
  const candidates = outputs.flatMap(findCandidates);
  const digests = await sha256OfEach(candidates.map((candidate) => candidate.target));
  const reused = new Set<ManifestFile>();
  for (const [index, candidate] of candidates.entries()) {
    if (digests[index] !== candidate.file.sha256) continue;
    await onLocalDisk(`place ${candidate.target} in staging`, () => placeInStaging(candidate));
    reused.add(candidate.file);
  }
  return reused;
}

/**
 * The files of an output whose target is a regular file of the right size. These are metadata
 * lookups the kernel answers from its caches, one per file: made synchronously, they cost a few
 * microseconds each instead of a round trip through the thread pool.
 */
function findCandidates(output: StagingOutput): Candidate[] {
  // Nothing is present where nothing is: a restore into an empty workspace looks at no file.
  if (statusOf(output.declared.absolute) === undefined) return [];
  const candidates: Candidate[] = [];
  const trustedFolders = new Map<string, boolean>();
  for (const file of output.manifest.files) {
    const inside = output.manifest.kind === 'dir' ? file.path : '';
    const target = join(output.declared.absolute, inside);
    const status = statusOf(target);
    if (status === undefined || !status.isFile() || status.size !== file.size) continue;
    const folder = dirname(inside);
    if (!trustedFolders.has(folder)) trustedFolders.set(folder, isWhereItSeems(output, folder));
    if (!trustedFolders.get(folder)) continue;
    candidates.push({ output, file, target, mode: status.mode & 0o777 });
  }
  return candidates;
}

/**
 * A link among the folders of the existing output could otherwise pull in a file from anywhere.
 * The file itself is no link (lstat saw a regular file), so its folder's real path decides.
 */
function isWhereItSeems(output: StagingOutput, folder: string): boolean {
  try {
    return realpathSync.native(join(output.declared.absolute, folder)) === join(output.realTarget, folder);
  } catch {
    return false;
  }
}

function statusOf(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    // Absent, or below something that is not a folder: either way there is nothing to reuse.
    return undefined;
  }
}

/** The sha256 of each file, undefined for one that cannot be read. */
async function sha256OfEach(paths: readonly string[]): Promise<(string | undefined)[]> {
  try {
    return (await sha256OfFiles(paths)).map((digest) => digest.sha256);
  } catch (error) {
    if (!(error instanceof HashFileError)) throw error;
    // One unreadable file fails the whole batch: hash each alone so the others are still reused.
    return mapConcurrently(paths, singleFileConcurrency, (path) => sha256OfFiles([path]).then(([digest]) => digest!.sha256, () => undefined));
  }
}

async function placeInStaging({ output, file, target, mode }: Candidate): Promise<void> {
  const destination = join(output.staging, file.path);
  if (mode === file.mode) {
    try {
      // A hard link is a metadata change: synchronous, it skips a round trip per file.
      linkSync(target, destination);
      return;
    } catch {
      // Another file system, or one without hard links: copy instead.
    }
  }
  await copyFile(target, destination);
  if (mode !== file.mode) chmodSync(destination, file.mode);
}
