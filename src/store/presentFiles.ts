import { type BigIntStats, type Stats, chmodSync, linkSync, lstatSync, realpathSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type DeclaredPath } from '../core/declaredPath.js';
import { type Manifest, type ManifestFile } from '../core/manifest.js';
import { mapConcurrently } from '../core/mapConcurrently.js';
import { HashFileError } from '../core/errors.js';
import { currentHashCache, type FileStamp, type HashCache, rememberRestoredFrom, sha256OfStampedFiles, stampOf } from '../hashing/index.js';
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
  /** For the hash cache, when there is one and the file is worth remembering. */
  stamp: FileStamp | undefined;
}

/** A candidate's sha256 and whether the hash cache may trust it for the file's stamp. */
interface Checked {
  sha256: string;
  settled: boolean;
}

/** Files hashed at once when one unreadable file has failed the batch. */
const singleFileConcurrency = 16;

/**
 * Links into staging the files already in the workspace with the right content, so they are not
 * downloaded, and returns them. The sizes are checked first and the contents are hashed in one batch
 * (large files by the hashing pool), except those the hash cache knows in their present state; a
 * file that differs or cannot be read is simply fetched again. The staging folders must exist.
 *
 * Linking changes a file's ctime, so the cache is told what was verified and where every file of
 * the outputs will be: once the restore is in place, it remembers them as they are then, the
 * restored ones included (see HashCache.expectAt).
 */
export async function reusePresentFiles(outputs: readonly StagingOutput[]): Promise<Set<ManifestFile>> {
  const cache = currentHashCache();
  const stampedFrom = Date.now();
  const candidates = outputs.flatMap((output) => findCandidates(output, cache !== undefined));
  const checked = await checkEach(candidates, cache, stampedFrom);
  const reused = new Set<ManifestFile>();
  for (const [index, candidate] of candidates.entries()) {
    const found = checked[index];
    if (found?.sha256 !== candidate.file.sha256) continue;
    await onLocalDisk(`place ${candidate.target} in staging`, () => placeInStaging(candidate));
    reused.add(candidate.file);
    if (candidate.stamp !== undefined) cache?.noteVerified(candidate.stamp, found.sha256, found.settled);
  }
  for (const output of outputs) cache?.expectAt(restoredPaths(output));
  return reused;
}

/** Where each file of the output worth remembering will be once it is restored, listed only when asked for. */
function* restoredPaths(output: StagingOutput): Generator<string> {
  for (const file of output.manifest.files) {
    if (file.size >= rememberRestoredFrom) yield join(output.declared.absolute, output.manifest.kind === 'dir' ? file.path : '');
  }
}

/**
 * The files of an output whose target is a regular file of the right size. These are metadata
 * lookups the kernel answers from its caches, one per file: made synchronously, they cost a few
 * microseconds each instead of a round trip through the thread pool. A file the hash cache may
 * know is looked at to the nanosecond, for its stamp; the others more cheaply.
 */
function findCandidates(output: StagingOutput, withStamps: boolean): Candidate[] {
  // Nothing is present where nothing is: a restore into an empty workspace looks at no file.
  if (statusOf(output.declared.absolute, false) === undefined) return [];
  const candidates: Candidate[] = [];
  const trustedFolders = new Map<string, boolean>();
  for (const file of output.manifest.files) {
    const inside = output.manifest.kind === 'dir' ? file.path : '';
    const target = join(output.declared.absolute, inside);
    const stamped = withStamps && file.size >= rememberRestoredFrom;
    const status = statusOf(target, stamped);
    if (status === undefined || !status.isFile() || Number(status.size) !== file.size) continue;
    const folder = dirname(inside);
    if (!trustedFolders.has(folder)) trustedFolders.set(folder, isWhereItSeems(output, folder));
    if (!trustedFolders.get(folder)) continue;
    candidates.push({ output, file, target, mode: Number(status.mode) & 0o777, stamp: stamped ? stampOf(status as BigIntStats) : undefined });
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

function statusOf(path: string, bigint: boolean): Stats | BigIntStats | undefined {
  try {
    return lstatSync(path, { bigint });
  } catch {
    // Absent, or below something that is not a folder: either way there is nothing to reuse.
    return undefined;
  }
}

/** The sha256 of each candidate, undefined for one that cannot be read. */
async function checkEach(candidates: readonly Candidate[], cache: HashCache | undefined, stampedFrom: number): Promise<(Checked | undefined)[]> {
  try {
    return await checkAll(candidates, cache, stampedFrom);
  } catch (error) {
    if (!(error instanceof HashFileError)) throw error;
    // One unreadable file fails the whole batch: check each alone so the others are still reused.
    return mapConcurrently(candidates, singleFileConcurrency, (candidate) => checkAll([candidate], cache, stampedFrom).then(([checked]) => checked, () => undefined));
  }
}

/**
 * Small files are read whatever the cache knows: linking one into place changes its status, so it
 * would be remembered again after every restore, which costs more than reading it.
 */
async function checkAll(candidates: readonly Candidate[], cache: HashCache | undefined, stampedFrom: number): Promise<Checked[]> {
  const remembered = (candidate: Candidate): boolean => candidate.file.size >= rememberRestoredFrom;
  const check = (some: readonly Candidate[], through: HashCache | undefined): Promise<Checked[]> =>
    sha256OfStampedFiles(some.map(({ target, stamp }) => ({ path: target, stamp })), through, stampedFrom);
  const small = (await check(candidates.filter((candidate) => !remembered(candidate)), undefined)).values();
  const large = (await check(candidates.filter(remembered), cache)).values();
  return candidates.map((candidate) => (remembered(candidate) ? large : small).next().value!);
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
