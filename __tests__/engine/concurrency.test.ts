import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { link, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { setTimeout as delay } from 'node:timers/promises';
import { type S3Client } from '@aws-sdk/client-s3';
import { type S3Server } from '../helpers/s3Server.js';
import { useS3Server } from '../helpers/useS3Server.js';
import {
  childEnvironment,
  type CliOutcome,
  copyBuiltCli,
  directoryRemote,
  isIndexEntry,
  isManifest,
  referencedObjects,
  type RemoteUnderTest,
  runCli,
  s3Remote,
  startCli,
} from '../helpers/stoatChild.js';
import { describeTree, makeTemporaryDirectory, type TreeRecord, writeFiles } from '../helpers/workspace.js';

/*
 * Eight processes save the same step at once while eight others restore it, through the built CLI.
 * Saves race on the same objects and manifests; restores race with them. Nobody may fail, a hit
 * must be exactly one saver's result, and the remote must end up holding each result once.
 */

const step = ['--command', 'concurrent step', '--outputs', 'out', '--json'];
const saverCount = 8;
/** Restorers that start while the saves run, this far apart; as many again start as each of the first saves completes. */
const earlyRestorers = 4;
const earlyRestorerSpacingMs = 300;
const mebibyte = 1024 * 1024;

let root: string;
let cli: string;
let environment: Record<string, string>;
let workspaceCount = 0;

beforeAll(async () => {
  root = await makeTemporaryDirectory('concurrency');
  cli = await copyBuiltCli(root);
  environment = childEnvironment(root);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Savers {
  workspaces: string[];
  trees: Record<string, TreeRecord>[];
}

/**
 * One workspace per saver. Every saver has the same large file (a blob they all race to write) and
 * some shared small files; with `deterministic` false each also has its own marker and small files,
 * as a non-deterministic command would produce. Shared files are hard links: the data stays small.
 */
async function makeSavers(label: string, deterministic: boolean): Promise<Savers> {
  const shared = join(root, label, 'shared');
  const sharedFiles: Record<string, Uint8Array | string> = { 'out/large.bin': randomBytes(4 * mebibyte + 500), 'out/saver.txt': 'the only saver\n' };
  for (let index = 0; index < 10; index++) {
    sharedFiles[`out/data/${index}.txt`] = randomBytes(300 + index * 50);
    sharedFiles[`out/model/weights-${index}.bin`] = randomBytes(1000 + index * 10);
  }
  await writeFiles(shared, sharedFiles);
  const savers: Savers = { workspaces: [], trees: [] };
  for (let saver = 0; saver < saverCount; saver++) {
    const workspace = join(root, label, `saver-${saver}`);
    const own: Record<string, Uint8Array | string> = {};
    if (!deterministic) {
      own['out/saver.txt'] = `saver ${saver}\n`;
      for (let index = 0; index < 10; index++) own[`out/model/weights-${index}.bin`] = randomBytes(1000 + index * 10);
    }
    for (const path of Object.keys(sharedFiles).filter((path) => !(path in own))) {
      await mkdir(dirname(join(workspace, path)), { recursive: true });
      await link(join(shared, path), join(workspace, path));
    }
    await writeFiles(workspace, own);
    savers.workspaces.push(workspace);
    savers.trees.push(await describeTree(workspace));
  }
  return savers;
}

interface RestoreRun {
  outcome: CliOutcome;
  tree: Record<string, TreeRecord>;
  /** Whether a save had completed when this restore started: it must then find a result. */
  afterCompletedSave: boolean;
}

async function restoreIntoEmpty(remote: RemoteUnderTest, afterCompletedSave: boolean): Promise<RestoreRun> {
  const workspace = join(root, 'restores', String(++workspaceCount));
  await mkdir(workspace, { recursive: true });
  const outcome = await runCli(cli, workspace, ['restore', ...step, ...remote.arguments()], environment);
  return { outcome, tree: await describeTree(workspace), afterCompletedSave };
}

function checkRestore(run: RestoreRun, savers: Savers, label: string): void {
  const { outcome, tree } = run;
  assert.equal(outcome.exitCode, 0, `${label}: the restore exits 0: ${outcome.stderr}`);
  assert.ok(['hit', 'miss'].includes(outcome.report?.status ?? ''), `${label}: the restore is a hit or a miss, never an error: ${outcome.report?.reason}`);
  if (outcome.report?.status === 'miss') {
    assert.equal(run.afterCompletedSave, false, `${label}: a restore that starts after a save completed finds it: ${outcome.report.reason}`);
    assert.deepEqual([outcome.report.warnings, outcome.report.damaged_objects], [[], []], `${label}: a miss before any save completed is clean`);
    assert.deepEqual(tree, {}, `${label}: a miss leaves the workspace empty, with no staging folder`);
    return;
  }
  const marker = tree['out/saver.txt'];
  const saver = savers.trees.findIndex((saverTree) => JSON.stringify(saverTree['out/saver.txt']) === JSON.stringify(marker));
  assert.notEqual(saver, -1, `${label}: the restored marker file is one saver's: ${JSON.stringify(marker)}`);
  assert.deepEqual(tree, savers.trees[saver], `${label}: every restored file is from the saver the marker names, and no staging folder is left`);
}

/** Checks the remote holds one manifest per distinct tree, and exactly the objects those manifests name. */
async function checkRemote(remote: RemoteUnderTest, savedTrees: Set<string>, label: string): Promise<void> {
  const objects = await remote.objects();
  const manifests = objects.filter(isManifest);
  const manifestTrees = manifests.map((key) => /([0-9a-f]{64})\.json$/.exec(key)![1]!);
  assert.deepEqual(manifestTrees.sort(), [...savedTrees].sort(), `${label}: exactly one manifest per distinct tree saved`);
  const named = new Set<string>();
  for (const manifest of manifests) for (const key of referencedObjects(await remote.read(manifest))) named.add(key);
  assert.deepEqual(objects.filter((key) => !isManifest(key) && !isIndexEntry(key)), [...named].sort(), `${label}: every object is there once, and each is named by a manifest`);
  const indexedTrees = new Set(objects.filter(isIndexEntry).map((key) => key.slice(-64)));
  assert.deepEqual([...indexedTrees].sort(), [...savedTrees].sort(), `${label}: every tree saved is in the index of saves, and nothing else is`);
  assert.deepEqual(await remote.hidden(), [], `${label}: no temporary file is left behind`);
}

/** Runs the savers and restorers; returns how many saves wrote the manifest (the others found it there). */
async function saveAndRestoreAtOnce(remote: RemoteUnderTest, label: string, deterministic: boolean): Promise<number> {
  const savers = await makeSavers(label, deterministic);
  const expectedTrees = deterministic ? 1 : saverCount;
  assert.equal(new Set(savers.trees.map((tree) => JSON.stringify(tree))).size, expectedTrees, `${label}: the savers hold ${expectedTrees} distinct tree(s)`);

  const first = await restoreIntoEmpty(remote, false);
  checkRestore(first, savers, `${label}, a restore before any save`);
  assert.equal(first.outcome.report?.status, 'miss', `${label}: a restore before any save is a miss`);

  let completed = 0;
  const saves = savers.workspaces.map((workspace) => startCli(cli, workspace, ['save', ...step, ...remote.arguments()], environment).done);
  // Spread out, so that some restores look while manifests are being written.
  const restores: Promise<RestoreRun | undefined>[] = Array.from({ length: earlyRestorers }, (_, index) =>
    delay(index * earlyRestorerSpacingMs).then(() => restoreIntoEmpty(remote, completed > 0)),
  );
  // Each of the first saves to complete starts one more restore, which runs while the others still save.
  for (const save of saves) {
    restores.push(save.then((outcome) => (outcome.exitCode === 0 && ++completed <= saverCount - earlyRestorers ? restoreIntoEmpty(remote, true) : undefined)));
  }
  const saved = await Promise.all(saves);
  const restored = (await Promise.all(restores)).filter((run) => run !== undefined);

  saved.forEach((outcome, index) => {
    assert.equal(outcome.exitCode, 0, `${label}, saver ${index}: exits 0: ${outcome.stderr}`);
    assert.ok(['saved', 'already-saved'].includes(outcome.report?.outputs[0]?.status ?? ''), `${label}, saver ${index}: saved: ${outcome.report?.save}`);
    assert.deepEqual(outcome.report?.warnings, [], `${label}, saver ${index}: no warnings`);
  });
  assert.equal(restored.length, saverCount, `${label}: ${saverCount} restores ran alongside the saves`);
  restored.forEach((run, index) => checkRestore(run, savers, `${label}, restore ${index}${run.afterCompletedSave ? ' (after a save completed)' : ''}`));

  const savedTrees = new Set(saved.map((outcome) => outcome.report!.outputs[0]!.tree!));
  assert.equal(savedTrees.size, expectedTrees, `${label}: the saves report ${expectedTrees} distinct tree(s)`);
  await checkRemote(remote, savedTrees, label);
  return saved.filter((outcome) => outcome.report?.outputs[0]?.status === 'saved').length;
}

describe('eight saves and eight restores of one step at once', () => {
  describe('on a directory remote', () => {
    test('with the same bytes from every saver: no failure, one manifest, each object once', async () => {
      const written = await saveAndRestoreAtOnce(directoryRemote(join(root, 'remotes', 'same')), 'directory, same bytes', true);
      // A link fails where the name exists, so exactly one save commits the manifest.
      assert.equal(written, 1, 'exactly one save wrote the manifest; the others report it already saved');
    });

    test('with different bytes from every saver: no failure, a hit is one saver\'s result, one manifest per tree', async () => {
      const written = await saveAndRestoreAtOnce(directoryRemote(join(root, 'remotes', 'different')), 'directory, different bytes', false);
      assert.equal(written, saverCount, 'every save wrote a manifest of its own tree');
    });
  });

  describe('on S3 (s3rver)', () => {
    let server: S3Server;
    let inspector: S3Client;
    useS3Server((started, client) => {
      server = started;
      inspector = client;
    });

    test('with the same bytes from every saver: no failure, one manifest, each object once', async () => {
      // s3rver ignores If-None-Match, so several saves may pass the existence check and write the manifest.
      const written = await saveAndRestoreAtOnce(s3Remote(server, inspector, 'same'), 's3, same bytes', true);
      assert.ok(written >= 1, 'at least one save wrote the manifest');
    });

    test('with different bytes from every saver: no failure, a hit is one saver\'s result, one manifest per tree', async () => {
      const written = await saveAndRestoreAtOnce(s3Remote(server, inspector, 'different'), 's3, different bytes', false);
      assert.equal(written, saverCount, 'every save wrote a manifest of its own tree');
    });
  });
});
