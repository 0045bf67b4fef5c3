import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { setTimeout as delay } from 'node:timers/promises';
import { type S3Client } from '@aws-sdk/client-s3';
import { FileRemote } from '../../src/remote/fileRemote.js';
import { type KillMoment, startKillSwitch } from '../helpers/killSwitch.js';
import { type S3Server } from '../helpers/s3Server.js';
import { useS3Server } from '../helpers/useS3Server.js';
import {
  childEnvironment,
  type CliOutcome,
  copyBuiltCli,
  directoryRemote,
  isManifest,
  referencedObjects,
  type RemoteUnderTest,
  runCli,
  s3Remote,
  startCli,
} from '../helpers/stoatChild.js';
import { describeTree, makeTemporaryDirectory, type TreeRecord, writeFiles } from '../helpers/workspace.js';

/*
 * A save killed with SIGKILL at any moment must leave a remote that restores cleanly: a miss, or
 * (once the manifest, the commit point, is written) a hit with exactly the saved bytes; and a later
 * full save must complete and restore byte for byte. The saving process is the built CLI.
 */

const step = ['--command', 'crash test', '--outputs', 'out', '--json'];
const mebibyte = 1024 * 1024;

let root: string;
let cli: string;
let environment: Record<string, string>;
let source: string;
let expected: Record<string, TreeRecord>;
let workspaces = 0;

beforeAll(async () => {
  root = await makeTemporaryDirectory('crash');
  cli = await copyBuiltCli(root);
  environment = childEnvironment(root);
  source = join(root, 'source');
  // 30 small files go into one pack, the two over 4 MiB into blobs of their own: a save writes both kinds.
  const files: Record<string, Uint8Array> = { 'out/large-1.bin': randomBytes(4 * mebibyte + 1000), 'out/large-2.bin': randomBytes(4 * mebibyte + 2000) };
  for (let index = 0; index < 30; index++) files[`out/small/${String(index).padStart(2, '0')}.txt`] = randomBytes(500 + index * 97);
  await writeFiles(source, files);
  expected = await describeTree(source);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Restores into a fresh, empty workspace; returns the outcome and everything left in the workspace. */
async function restoreIntoEmpty(remote: RemoteUnderTest): Promise<{ outcome: CliOutcome; tree: Record<string, TreeRecord> }> {
  const workspace = join(root, 'restores', String(++workspaces));
  await mkdir(workspace, { recursive: true });
  const outcome = await runCli(cli, workspace, ['restore', ...step, ...remote.arguments()], environment);
  return { outcome, tree: await describeTree(workspace) };
}

/** How far a killed save got. */
type Stage = 'nothing written' | 'objects written, no manifest' | 'manifest committed';

/**
 * What must hold right after the kill. `manifestSent` says whether the manifest reached the remote,
 * when the test knows it; either way a visible manifest must restore, and its absence must be a clean miss.
 */
async function checkAfterKill(remote: RemoteUnderTest, label: string, killed: CliOutcome, manifestSent?: boolean): Promise<{ stage: Stage; temporaryFiles: number }> {
  assert.ok(!killed.timedOut && (killed.exitCode === 0 || killed.signal === 'SIGKILL'), `${label}: the save either finished or died of the kill, never of an error: exit ${killed.exitCode}, ${killed.signal}, ${killed.stderr}`);
  const objects = await remote.objects();
  const manifests = objects.filter(isManifest);
  assert.ok(manifests.length <= 1, `${label}: one save writes one manifest: ${manifests.join(', ')}`);
  if (killed.exitCode === 0) assert.equal(manifests.length, 1, `${label}: a save that finished has committed its manifest`);
  if (manifestSent !== undefined) assert.equal(manifests.length === 1, manifestSent, `${label}: a manifest is visible exactly when it was sent: ${objects.join(', ')}`);
  if (manifests.length === 1) {
    const named = referencedObjects(await remote.read(manifests[0]!));
    assert.deepEqual(named.filter((key) => !objects.includes(key)), [], `${label}: every object the manifest names was written before it`);
  }
  const hidden = await remote.hidden();
  if (hidden.length > 0) {
    assert.ok(hidden.every((key) => /(^|\/)\.[0-9a-f]{16}\.partial$/.test(key)), `${label}: the only hidden files are writes cut short: ${hidden.join(', ')}`);
    const listed = await new FileRemote(remote.directory!).list('stoat/v1/');
    assert.deepEqual(listed.filter((object) => object.key.includes('.partial')), [], `${label}: a temporary file is never listed as an object`);
  }
  const { outcome, tree } = await restoreIntoEmpty(remote);
  assert.equal(outcome.exitCode, 0, `${label}: the restore after the kill exits 0: ${outcome.stderr}`);
  if (manifests.length === 1) {
    assert.equal(outcome.report?.status, 'hit', `${label}: a visible manifest restores: ${outcome.report?.reason}`);
    assert.deepEqual(tree, expected, `${label}: the restore wrote exactly the saved bytes, and no staging folder is left`);
  } else {
    assert.equal(outcome.report?.status, 'miss', `${label}: with no manifest the restore is a miss: ${outcome.report?.reason}`);
    assert.deepEqual([outcome.report.warnings, outcome.report.damaged_objects], [[], []], `${label}: the miss is clean: nothing half-saved is visible`);
    assert.deepEqual(tree, {}, `${label}: a miss leaves the workspace empty, with no staging folder`);
  }
  const stage: Stage = manifests.length === 1 ? 'manifest committed' : objects.length > 0 ? 'objects written, no manifest' : 'nothing written';
  return { stage, temporaryFiles: hidden.length };
}

/** A full save after the kill, then a restore: whether it came back byte for byte, and why not. */
async function saveAgainAndRestore(remote: RemoteUnderTest, label: string): Promise<string | undefined> {
  const saved = await runCli(cli, source, ['save', ...step, ...remote.arguments()], environment);
  assert.equal(saved.exitCode, 0, `${label}: the save after the kill exits 0: ${saved.stderr}`);
  assert.ok(['saved', 'already-saved'].includes(saved.report?.outputs[0]?.status ?? ''), `${label}: the save after the kill saved: ${saved.report?.save}`);
  assert.deepEqual(saved.report?.warnings, [], `${label}: the save after the kill has no warnings`);
  assert.equal((await remote.objects()).filter(isManifest).length, 1, `${label}: the remote holds one manifest`);
  const { outcome, tree } = await restoreIntoEmpty(remote);
  assert.equal(outcome.exitCode, 0, `${label}: the final restore exits 0: ${outcome.stderr}`);
  assert.notEqual(outcome.report?.status, 'error', `${label}: the final restore is no error: ${outcome.report?.reason}`);
  if (outcome.report?.status !== 'hit') return `${label}: ${outcome.report?.reason}`;
  assert.deepEqual(tree, expected, `${label}: a hit has exactly the saved bytes`);
  return undefined;
}

/** The moment a kill on the directory remote waits for: a time since spawn, or something seen in the remote. */
type RemoteLook = { objects: string[]; hidden: string[] };
interface DirectoryKillPoint {
  label: string;
  concurrency?: number;
  afterFraction?: number;
  seen?: (look: RemoteLook) => boolean;
}

const underOutputs = (key: string): boolean => key.startsWith('stoat/v1/outputs/');
const directoryKillPoints: DirectoryKillPoint[] = [
  { label: 'as it starts', afterFraction: 0 },
  { label: 'half-way through its usual duration', afterFraction: 0.5 },
  { label: 'as the first temporary file appears', seen: (look) => look.hidden.length >= 1 },
  { label: 'as the first object appears', seen: (look) => look.objects.length >= 1 },
  { label: 'as the first object appears, one transfer at a time', concurrency: 1, seen: (look) => look.objects.length >= 1 },
  { label: 'as the second object appears', seen: (look) => look.objects.length >= 2 },
  { label: 'while the pack is written', seen: (look) => look.hidden.some((key) => key.startsWith('stoat/v1/packs/')) },
  { label: 'once every blob and pack is there', seen: (look) => look.objects.length >= 3 },
  { label: 'while the manifest is written', seen: (look) => look.hidden.some(underOutputs) },
  { label: 'as the manifest appears', seen: (look) => look.objects.some(isManifest) },
];

/** Starts a save and kills it at the kill point: after a time, or once the remote shows what the point waits for. */
async function killOnDirectory(remote: RemoteUnderTest, point: DirectoryKillPoint, usualMs: number): Promise<CliOutcome> {
  const concurrency = point.concurrency === undefined ? [] : ['--concurrency', String(point.concurrency)];
  const child = startCli(cli, source, ['save', ...step, ...concurrency, ...remote.arguments()], environment);
  let finished = false;
  void child.done.then(() => (finished = true));
  if (point.afterFraction !== undefined) {
    await delay(point.afterFraction * usualMs);
    child.process.kill('SIGKILL');
  }
  while (!finished && point.seen !== undefined) {
    if (point.seen(await remote.look())) {
      child.process.kill('SIGKILL');
      break;
    }
    await delay(1);
  }
  return child.done;
}

describe('a save killed with SIGKILL on a directory remote', () => {
  let usualMs = 0;
  const stages = new Map<string, Stage>();

  beforeAll(async () => {
    const remote = directoryRemote(join(root, 'remotes', 'reference'));
    const saved = await runCli(cli, source, ['save', ...step, ...remote.arguments()], environment);
    assert.equal(saved.exitCode, 0, `the reference save works: ${saved.stderr}`);
    usualMs = saved.ended - saved.started;
    assert.equal((await remote.objects()).length, 5, 'a full save writes two blobs, one pack, one manifest and, after it, its entry in the index of saves');
  });

  describe('at each kill point', () => {
    for (const [index, point] of directoryKillPoints.entries()) {
      test(`killed ${point.label}: the remote restores cleanly, and a later save restores byte for byte`, async () => {
        const remote = directoryRemote(join(root, 'remotes', `kill-${index}`));
        const killed = await killOnDirectory(remote, point, usualMs);
        const { stage } = await checkAfterKill(remote, point.label, killed);
        stages.set(point.label, stage);
        assert.equal(await saveAgainAndRestore(remote, point.label), undefined, `${point.label}: the later save restores`);
      });
    }
  });

  test('the kills landed before, during and after the commit point', () => {
    const reached = [...new Set(stages.values())].sort();
    assert.deepEqual(reached, ['manifest committed', 'nothing written', 'objects written, no manifest'], `stages reached: ${JSON.stringify([...stages])}`);
  });
});

/** Where the S3 save is killed: at a request (1-based) in the order the reference save sends them. */
interface S3KillPoint {
  request: number;
  moment: KillMoment;
  /** Whether the manifest reaches the server before the kill. */
  manifestSent: boolean;
}

/** A fresh save of this workspace sends these requests, in this order (the blob PUTs may swap). */
const usualRequests = ['HEAD manifest', 'GET list', 'HEAD blob', 'HEAD blob', 'PUT blob', 'PUT blob', 'HEAD pack', 'PUT pack', 'HEAD manifest', 'PUT manifest', 'HEAD index', 'PUT index'];
const s3KillPoints: S3KillPoint[] = [
  // The HEADs of the blobs (requests 3 and 4) are left out: killed there, a save has written as little as at request 2.
  ...[1, 2, 5, 6, 7, 8, 9, 10].map((request): S3KillPoint => ({ request, moment: 'arrival', manifestSent: false })),
  { request: 5, moment: 'midway', manifestSent: false },
  { request: 10, moment: 'answered', manifestSent: true },
  // After the commit point: the index entry only speeds up explaining a later miss.
  { request: 12, moment: 'arrival', manifestSent: true },
];

function kindOf(method: string, path: string): string {
  const kind = path.includes('list-type=2') ? 'list' : path.includes('/index/') ? 'index' : /\/stoat\/v1\/(blobs|packs|outputs)\//.exec(path)?.[1];
  return `${method} ${{ blobs: 'blob', packs: 'pack', outputs: 'manifest', list: 'list', index: 'index' }[kind ?? ''] ?? path}`;
}

/** Starts a save through a kill switch that kills it at the kill point's request. */
async function killOnS3(server: S3Server, remote: RemoteUnderTest, point: S3KillPoint, label: string): Promise<CliOutcome> {
  let child: ReturnType<typeof startCli> | undefined;
  const killSwitch = await startKillSwitch(server.endpoint, { request: point.request, moment: point.moment, kill: () => child!.process.kill('SIGKILL') });
  try {
    child = startCli(cli, source, ['save', ...step, ...remote.arguments(killSwitch.url)], environment);
    const killed = await child.done;
    const seen = killSwitch.seen.map((request) => kindOf(request.method, request.path)).join(', ');
    assert.equal(killSwitch.firedAt, point.request, `${label}: the kill switch fired; the save sent ${seen}`);
    return killed;
  } finally {
    await killSwitch.stop();
  }
}

describe('a save killed with SIGKILL on S3 (s3rver)', () => {
  let server: S3Server;
  let inspector: S3Client;
  useS3Server((started, client) => {
    server = started;
    inspector = client;
  });
  const unrepaired: string[] = [];

  test('the reference save sends its requests in the order the kill points assume, the manifest last', async () => {
    const remote = s3Remote(server, inspector, 'reference');
    const counter = await startKillSwitch(server.endpoint, { kill: () => undefined });
    try {
      const saved = await runCli(cli, source, ['save', ...step, ...remote.arguments(counter.url)], environment);
      assert.equal(saved.exitCode, 0, `the reference save works: ${saved.stderr}`);
      assert.deepEqual(counter.seen.map((seen) => kindOf(seen.method, seen.path)), usualRequests, 'the requests of a fresh save');
    } finally {
      await counter.stop();
    }
  });

  describe('at each kill point', () => {
    for (const [index, point] of s3KillPoints.entries()) {
      const request = `request ${point.request} (${usualRequests[point.request - 1]})`;
      const label = { arrival: `as ${request} is sent`, midway: `half-way through sending ${request}`, answered: `once the server has done ${request}` }[point.moment];
      test(`killed ${label}: the remote restores cleanly, and a later save completes`, async () => {
        const remote = s3Remote(server, inspector, `kill-${index}`);
        await checkAfterKill(remote, label, await killOnS3(server, remote, point, label), point.manifestSent);
        const failure = await saveAgainAndRestore(remote, label);
        // Checked below, in a test of its own: on s3rver it fails for a known reason.
        if (failure !== undefined) unrepaired.push(failure);
      });
    }
  });

  test(
    'after every kill, a later full save restores byte for byte',
    () => {
      assert.deepEqual(unrepaired, [], 'every later save restored byte for byte');
    },
  );
});
