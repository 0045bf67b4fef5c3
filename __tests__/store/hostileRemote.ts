import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { planExplicitScope } from '../../src/core/scope.js';
import { type StepReport } from '../../src/core/stepReport.js';
import { prepareStep, type PreparedStep } from '../../src/engine/prepareStep.js';
import { restoreStep } from '../../src/engine/restoreStep.js';
import { type StepContext } from '../../src/engine/stepContext.js';
import { openRemote } from '../../src/remote/openRemote.js';
import { blobKey, manifestKey, packKey } from '../../src/store/layout.js';
import { describeTree, type TreeRecord, writeFiles } from '../helpers/workspace.js';

/**
 * A directory remote that a test fills by hand, with plain fs at the layout's keys, so that what
 * stoat reads is exactly what an attacker with write access to the remote could have put there.
 */
export interface HostileCase {
  /** The workspace's parent: holds the workspace, the sentinel folder and the remote. */
  directory: string;
  workspace: string;
  /** A sentinel folder beside the workspace that no restore may touch. */
  outside: string;
  remoteRoot: string;
  context: StepContext;
  prepared: PreparedStep;
  /** The declared output every manifest of the case is about. */
  output: string;
}

export const scope = 'local';

/** What the sentinel folder holds: a restore that writes outside the workspace changes it. */
const sentinelFiles = { 'dir/keep.txt': 'outside, keep\n', 'secret.txt': 'outside secret\n' };
/** An earlier version of the output: a refused restore must leave it exactly as it was. */
const previousOutput = { 'old.txt': 'the previous output\n' };

let caseCount = 0;

/**
 * A fresh case below `root`. `plantWorkspace` runs before the key is computed, so a test can put
 * links and stale outputs where a hostile or careless workspace would have them.
 */
export async function openCase(root: string, options: { output?: string; plantWorkspace?: (hostile: Omit<HostileCase, 'context' | 'prepared'>) => Promise<void> } = {}): Promise<HostileCase> {
  const directory = join(root, `case-${++caseCount}`);
  const workspace = join(directory, 'workspace');
  const outside = join(directory, 'outside');
  const remoteRoot = join(directory, 'remote');
  const output = options.output ?? 'model';
  await writeFiles(workspace, { 'input.txt': 'the corpus\n' });
  await writeFiles(outside, sentinelFiles);
  const partial = { directory, workspace, outside, remoteRoot, output };
  if (options.plantWorkspace === undefined) await writeFiles(join(workspace, output), previousOutput);
  else await options.plantWorkspace(partial);
  const context: StepContext = {
    remote: await openRemote(remoteRoot, workspace),
    scope: planExplicitScope(scope, 'adversarial tests run as the CLI does'),
    concurrency: 4,
    failOnCacheError: false,
    environment: { ...process.env },
  };
  // The key is computed by the engine itself, so a planted manifest sits exactly where a restore looks.
  const definition = { workingDirectory: workspace, command: ['echo the restore must never need this'], deps: ['input.txt'], outputs: [output], env: [], keyExtra: '' };
  const prepared = await prepareStep(definition, context.environment);
  return { ...partial, context, prepared };
}

export function sha256Of(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A file entry stored as its own blob, as an honest save writes it. */
export function blobEntry(path: unknown, content: string | Uint8Array, mode = 0o644): Record<string, unknown> {
  const sha256 = sha256Of(content);
  return { path, size: Buffer.byteLength(content), sha256, mode, blob: sha256 };
}

/**
 * The tree hash recipe of layout v1, written again here from DESIGN.md rather than imported, so a
 * manifest's tree hash is right whatever its paths are: only the check under test can refuse it.
 */
export function treeOf(files: readonly Record<string, unknown>[]): string {
  const rows = files.map((file) => [file.path, file.size, file.sha256, ((file.mode as number) & 0o111) !== 0 ? 1 : 0]);
  rows.sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0));
  return sha256Of(JSON.stringify(rows));
}

/** A manifest that is valid in every field but the ones `overrides` changes. */
export function manifestFor(hostile: HostileCase, files: Record<string, unknown>[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    stoat: 1,
    output: hostile.output,
    kind: 'dir',
    key: hostile.prepared.key,
    scope,
    tree: treeOf(files),
    files,
    inputs: [],
    command: ['echo the restore must never need this'],
    env: [],
    extra: '',
    provenance: { commit: null, dirty: null, ref: null, event: null, run: null, workflow: null, repository: null, pull_request: null, created: new Date().toISOString(), duration_ms: null },
    ...overrides,
  };
}

export async function plantObject(hostile: HostileCase, key: string, bytes: string | Uint8Array): Promise<void> {
  const path = join(hostile.remoteRoot, key);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, bytes);
}

/** Writes a manifest under the tree hash it claims, or under `name` to test a name that lies. */
export async function plantManifest(hostile: HostileCase, manifest: Record<string, unknown> | string, name?: string): Promise<void> {
  const text = typeof manifest === 'string' ? manifest : JSON.stringify(manifest);
  const tree = name ?? (typeof manifest === 'string' ? sha256Of(text) : (manifest.tree as string));
  await plantObject(hostile, manifestKey(hostile.output, hostile.prepared.key, scope, tree), text);
}

/** Stores bytes as a blob under their own sha256: the object is intact, only the manifest may lie. */
export async function plantBlob(hostile: HostileCase, content: string | Uint8Array): Promise<string> {
  const sha256 = sha256Of(content);
  await plantObject(hostile, blobKey(sha256), content);
  return sha256;
}

/** Stores members concatenated as one intact pack; gives its sha256 and each member's offset. */
export async function plantPack(hostile: HostileCase, members: readonly (string | Uint8Array)[]): Promise<{ sha256: string; offsets: number[] }> {
  const buffers = members.map((member) => Buffer.from(member));
  const offsets: number[] = [];
  let offset = 0;
  for (const buffer of buffers) {
    offsets.push(offset);
    offset += buffer.length;
  }
  const bytes = Buffer.concat(buffers);
  const sha256 = sha256Of(bytes);
  await plantObject(hostile, packKey(sha256), bytes);
  return { sha256, offsets };
}

/** Plants a manifest of honest blob entries: the common shape of the path cases. */
export async function plantBlobManifest(hostile: HostileCase, files: readonly { path: unknown; content: string }[], overrides: Record<string, unknown> = {}): Promise<void> {
  for (const file of files) await plantBlob(hostile, file.content);
  await plantManifest(hostile, manifestFor(hostile, files.map((file) => blobEntry(file.path, file.content)), overrides));
}

/** What a test compares before and after a restore. */
export interface DiskState {
  /** Everything in the workspace's parent except the workspace: the sentinel folder and the remote. */
  around: Record<string, TreeRecord>;
  /** The whole workspace, hidden entries included, so a leftover staging folder shows. */
  workspace: Record<string, TreeRecord>;
}

export async function diskState(hostile: HostileCase): Promise<DiskState> {
  const whole = await describeTree(hostile.directory);
  const around = Object.fromEntries(Object.entries(whole).filter(([path]) => path !== 'workspace' && !path.startsWith('workspace/')));
  return { around, workspace: await describeTree(hostile.workspace) };
}

/** Runs the restore as the engine does; a throw is a failure of the case, shown with its message. */
export async function restoreWatched(hostile: HostileCase): Promise<{ report: StepReport; before: DiskState; after: DiskState }> {
  const before = await diskState(hostile);
  let report: StepReport;
  try {
    report = await restoreStep(hostile.prepared, hostile.context);
  } catch (error) {
    assert.fail(`the restore threw instead of reporting a miss: ${(error as Error).stack ?? String(error)}`.slice(0, 2000));
  }
  const after = await diskState(hostile);
  assert.deepEqual(after.around, before.around, 'nothing outside the workspace may change: not the sentinel folder, not the remote');
  return { report, before, after };
}

/**
 * Restores and holds the case to the rules: a miss (never a hit, never an error), the problem
 * stated in the reason itself, nothing changed outside the workspace, the workspace exactly as it
 * was.
 */
export async function assertRefused(hostile: HostileCase, problem: RegExp): Promise<StepReport> {
  const { report, before, after } = await restoreWatched(hostile);
  assert.equal(report.status, 'miss', `expected a miss, got ${report.status}: ${report.reason}`);
  assert.match(report.reason, problem, `the reason does not name the problem: ${report.reason}`);
  assert.deepEqual(after.workspace, before.workspace, 'the workspace must be exactly as it was, with no staging folder left');
  return report;
}
