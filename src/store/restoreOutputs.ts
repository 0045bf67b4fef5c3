import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { lstat, mkdir, realpath, rename } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { type DeclaredPath } from '../core/declaredPath.js';
import { IntegrityError } from '../core/errors.js';
import { type ManifestFile } from '../core/manifest.js';
import { findOutsideLink } from '../workspace/outsideLink.js';
import { removeTree } from '../workspace/removeTree.js';
import { stagingName } from '../core/stagingName.js';
import { type TransferProgress } from '../core/transferProgress.js';
import { type Remote } from '../remote/remote.js';
import { downloadFiles } from './downloadFiles.js';
import { onLocalDisk } from './localDisk.js';
import { type FoundResult } from './findResult.js';
import { type DownloadTask } from './memberWriter.js';
import { reusePresentFiles, type StagingOutput } from './presentFiles.js';
import { removeStaleStaging } from './staleStaging.js';
import { type StoredOutput } from './storedOutput.js';

export interface RestoreRequest {
  remote: Remote;
  workingDirectory: string;
  outputs: readonly DeclaredPath[];
  found: FoundResult;
  concurrency: number;
  progress?: TransferProgress;
}

/** One output being assembled in a staging directory beside its target. */
interface Staged extends StagingOutput {
  location: string;
  transferredBytes: number;
}

/**
 * Restores every output of a found result, or none: all files are downloaded into staging
 * directories and checked against their sha256 before the first output is moved into place. Any
 * failure leaves the workspace as it was.
 */
export async function restoreOutputs(request: RestoreRequest): Promise<StoredOutput[]> {
  const staged: Staged[] = [];
  const createdParents: string[] = [];
  try {
    for (const declared of request.outputs) {
      const parent = dirname(declared.absolute);
      await checkInside(request.workingDirectory, parent, declared.relative);
      const created = await onLocalDisk(`make ${parent}`, () => mkdir(parent, { recursive: true }));
      if (created !== undefined) createdParents.push(created);
      await removeStaleStaging(parent, declared.relative);
      const staging = join(parent, stagingName(declared.relative, hostname(), process.pid, randomBytes(6).toString('hex')));
      await onLocalDisk(`make the staging folder ${staging}`, () => mkdir(staging));
      const { manifest, location } = request.found.manifests.get(declared.relative)!;
      const realTarget = join(await realpath(parent), basename(declared.absolute));
      staged.push({ declared, manifest, location, staging, realTarget, transferredBytes: 0 });
    }
    // The folders a manifest asks for may not fit this file system (a name too long for it).
    for (const output of staged) await onLocalDisk(`make the folders of ${output.declared.relative}`, () => makeFolders(output));
    const reused = await reusePresentFiles(staged);
    const tasks: DownloadTask[] = [];
    for (const output of staged) {
      for (const file of output.manifest.files) if (!reused.has(file)) tasks.push(new StagedFile(output, file));
    }
    await downloadFiles(request.remote, tasks, request.concurrency, request.progress);
  } catch (error) {
    await Promise.all(staged.map((output) => removeTree(output.staging)));
    await Promise.all(createdParents.map((created) => removeTree(created)));
    throw error;
  }
  await onLocalDisk('move the restored outputs into place', () => moveAllIntoPlace(staged));
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
 * planted in the workspace must not redirect a restore onto other files. Save applies the same rule.
 */
async function checkInside(workingDirectory: string, parent: string, output: string): Promise<void> {
  const outside = await findOutsideLink(workingDirectory, parent);
  if (outside === undefined) return;
  if (outside.target === undefined) {
    throw new IntegrityError(`output "${output}" is below ${outside.link}, a broken or looping symbolic link (${outside.code}): remove it`);
  }
  throw new IntegrityError(`output "${output}" would be written through a symbolic link to ${outside.target}, outside the working directory`);
}

/** Every folder the output's files go in, made once each before any file is written. */
function makeFolders(output: Staged): void {
  const folders = new Set<string>();
  for (const file of output.manifest.files) folders.add(dirname(file.path));
  for (const folder of folders) mkdirSync(join(output.staging, folder), { recursive: true });
}

/**
 * One file to download. A restore of 100,000 files holds this many at once, so the destination is
 * worked out when asked for and the count is a method, not a string and a closure per file.
 */
class StagedFile implements DownloadTask {
  constructor(
    private readonly output: Staged,
    readonly file: ManifestFile,
  ) {}

  get destination(): string {
    return join(this.output.staging, this.file.path);
  }

  done(downloaded: boolean): void {
    // A copy of a file with the same content moved no bytes.
    if (downloaded) this.output.transferredBytes += this.file.size;
  }
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
      await removeTree(target);
      if (aside !== undefined) await rename(aside, target).catch(() => undefined);
    }
    await Promise.all(staged.map((output) => removeTree(output.staging)));
    throw error;
  }
  await Promise.all(swapped.map(({ aside }) => (aside === undefined ? undefined : removeTree(aside))));
  await Promise.all(staged.filter((output) => output.manifest.kind === 'file').map((output) => removeTree(output.staging)));
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
