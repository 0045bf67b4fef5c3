import { randomBytes } from 'node:crypto';
import { chmod, copyFile, link, lstat, mkdir, realpath, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { type DeclaredPath } from '../core/declaredPath.js';
import { IntegrityError } from '../core/errors.js';
import { sha256File } from '../core/fileHash.js';
import { type Manifest, type ManifestFile } from '../core/manifest.js';
import { mapConcurrently } from '../core/mapConcurrently.js';
import { type TransferProgress } from '../core/transferProgress.js';
import { type Remote } from '../remote/remote.js';
import { downloadFiles } from './downloadFiles.js';
import { type FoundResult } from './findResult.js';
import { type DownloadTask } from './memberWriter.js';

export interface RestoreRequest {
  remote: Remote;
  workingDirectory: string;
  outputs: readonly DeclaredPath[];
  found: FoundResult;
  concurrency: number;
  progress?: TransferProgress;
}

export interface RestoredOutput {
  output: string;
  tree: string;
  files: number;
  bytes: number;
  transferredBytes: number;
  manifest: string;
}

/** One output being assembled in a staging directory beside its target. */
interface Staged {
  declared: DeclaredPath;
  manifest: Manifest;
  location: string;
  staging: string;
  /** The target with its parent's links resolved: where a reused file must really be. */
  realTarget: string;
  transferredBytes: number;
}

/**
 * Restores every output of a found result, or none: all files are downloaded into staging
 * directories and checked against their sha256 before the first output is moved into place. Any
 * failure leaves the workspace as it was.
 */
export async function restoreOutputs(request: RestoreRequest): Promise<RestoredOutput[]> {
  const staged: Staged[] = [];
  const createdParents: string[] = [];
  try {
    for (const declared of request.outputs) {
      const parent = dirname(declared.absolute);
      await checkInside(request.workingDirectory, parent, declared.relative);
      const created = await mkdir(parent, { recursive: true });
      if (created !== undefined) createdParents.push(created);
      const staging = join(parent, `.stoat-staging-${randomBytes(6).toString('hex')}`);
      await mkdir(staging);
      const { manifest, location } = request.found.manifests.get(declared.relative)!;
      const realTarget = join(await realpath(parent), basename(declared.absolute));
      staged.push({ declared, manifest, location, staging, realTarget, transferredBytes: 0 });
    }
    const work = staged.flatMap((output) => output.manifest.files.map((file) => ({ output, file })));
    const folders = new Map<string, Promise<unknown>>();
    const missing = await mapConcurrently(work, request.concurrency, async ({ output, file }): Promise<DownloadTask | undefined> => {
      const destination = join(output.staging, file.path);
      const folder = dirname(destination);
      // Every file of a folder waits for the one mkdir of that folder.
      if (!folders.has(folder)) folders.set(folder, mkdir(folder, { recursive: true }));
      await folders.get(folder);
      if (await reusePresent(output, file, destination)) return undefined;
      return { file, destination, done: () => (output.transferredBytes += file.size) };
    });
    await downloadFiles(request.remote, missing.filter((task) => task !== undefined), request.concurrency, request.progress);
  } catch (error) {
    await Promise.all(staged.map((output) => rm(output.staging, { recursive: true, force: true })));
    await Promise.all(createdParents.map((created) => rm(created, { recursive: true, force: true })));
    throw asRestoreRefusal(error);
  }
  await moveAllIntoPlace(staged);
  return staged.map((output) => ({
    output: output.declared.relative,
    tree: output.manifest.tree,
    files: output.manifest.files.length,
    bytes: output.manifest.files.reduce((total, file) => total + file.size, 0),
    transferredBytes: output.transferredBytes,
    manifest: output.location,
  }));
}

/**
 * Refuses an output whose parent folder resolves outside the working directory: a symbolic link
 * planted in the workspace must not redirect a restore onto other files.
 */
async function checkInside(workingDirectory: string, parent: string, output: string): Promise<void> {
  const root = await realpath(workingDirectory);
  let existing = parent;
  while (!(await lstat(existing).then(() => true, () => false))) existing = dirname(existing);
  const real = await realpath(existing).catch((error: NodeJS.ErrnoException) => {
    throw new IntegrityError(`output "${output}" is below ${existing}, a broken or looping symbolic link (${error.code}): remove it`);
  });
  if (real !== root && !real.startsWith(root + sep)) {
    throw new IntegrityError(`output "${output}" would be written through a symbolic link to ${real}, outside the working directory`);
  }
}

/**
 * A file system error while staging comes from what the manifest asks for (a name too long for
 * this file system, a folder that cannot be made): the entry cannot be restored here, which is a
 * miss with that reason, not a crash.
 */
function asRestoreRefusal(error: unknown): unknown {
  // Only file system errors name a path; a connection reset mid-download is the remote's failure.
  if (error instanceof IntegrityError || typeof (error as NodeJS.ErrnoException).path !== 'string') return error;
  return new IntegrityError(`the saved files cannot be written here: ${(error as Error).message}`);
}

/** A file already in the workspace with the right content is linked into staging, not downloaded. */
async function reusePresent(output: Staged, file: ManifestFile, destination: string): Promise<boolean> {
  const inside = output.manifest.kind === 'dir' ? file.path : '';
  const target = join(output.declared.absolute, inside);
  const status = await lstat(target).catch(() => undefined);
  if (status === undefined || !status.isFile() || status.size !== file.size) return false;
  // A link inside the existing output could otherwise pull in a file from anywhere.
  if ((await realpath(target)) !== join(output.realTarget, inside)) return false;
  if ((await sha256File(target)).sha256 !== file.sha256) return false;
  if ((status.mode & 0o777) === file.mode) await link(target, destination).catch(() => copyFile(target, destination));
  else {
    await copyFile(target, destination);
    await chmod(destination, file.mode);
  }
  return true;
}

/** Where an output's previous content was moved, until every output is in place. */
interface Swapped {
  target: string;
  aside: string | undefined;
}

/**
 * Swaps every staged output in. The old content is moved aside first and removed only once all
 * outputs are in place; if one move fails, the ones already moved are put back.
 */
async function moveAllIntoPlace(staged: readonly Staged[]): Promise<void> {
  const swapped: Swapped[] = [];
  try {
    for (const output of staged) swapped.push(await moveIntoPlace(output));
  } catch (error) {
    for (const { target, aside } of swapped.reverse()) {
      await rm(target, { recursive: true, force: true });
      if (aside !== undefined) await rename(aside, target).catch(() => undefined);
    }
    await Promise.all(staged.map((output) => rm(output.staging, { recursive: true, force: true })));
    throw error;
  }
  await Promise.all(swapped.map(({ aside }) => (aside === undefined ? undefined : rm(aside, { recursive: true, force: true }))));
  await Promise.all(staged.filter((output) => output.manifest.kind === 'file').map((output) => rm(output.staging, { recursive: true, force: true })));
}

async function moveIntoPlace(output: Staged): Promise<Swapped> {
  const target = output.declared.absolute;
  const staged = output.manifest.kind === 'dir' ? output.staging : join(output.staging, output.manifest.files[0]!.path);
  const present = await lstat(target).then(() => true, () => false);
  const aside = present ? `${output.staging}-previous` : undefined;
  if (aside !== undefined) await rename(target, aside);
  try {
    await rename(staged, target);
  } catch (error) {
    if (aside !== undefined) await rename(aside, target).catch(() => undefined);
    throw error;
  }
  return { target, aside };
}
