import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { closedPort, type S3Server } from '../helpers/s3Server.js';
import { childEnvironment, copyBuiltCli, runCli, startCli } from '../helpers/stoatChild.js';
import { useS3Server } from '../helpers/useS3Server.js';
import { describeTree, makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';

let root: string;
let cli: string;
let server: S3Server;
useS3Server((started) => (server = started));

beforeAll(async () => {
  root = await makeTemporaryDirectory('e2e-store');
  cli = await copyBuiltCli(root);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function stoat(cwd: string, args: readonly string[]) {
  return runCli(cli, cwd, args, childEnvironment(root));
}

/** Makes every file below `folder` look written `hoursAgo`: saves made long before the prune. */
async function age(folder: string, hoursAgo: number): Promise<void> {
  const time = new Date(Date.now() - hoursAgo * 3_600_000);
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) await utimes(join(entry.parentPath, entry.name), time, time);
  }
}

const noStack = /^\s+at /m;

/** A new, empty folder to restore into: the restore downloads every file. */
async function emptyFolder(name: string): Promise<string> {
  const folder = join(root, name);
  await mkdir(folder, { recursive: true });
  return folder;
}

/** A workspace whose output `out/` is saved under the command `make <n>`. */
async function workspace(name: string): Promise<string> {
  const directory = join(root, name);
  await writeFiles(directory, { 'out/a.bin': randomBytes(5000), 'out/b.bin': randomBytes(7000) });
  return directory;
}

async function save(directory: string, remote: readonly string[], command: string, scope = 'ci'): Promise<void> {
  await writeFile(join(directory, 'out', 'a.bin'), randomBytes(5000));
  const saved = await stoat(directory, ['save', '--command', command, '--outputs', 'out', '--scope', scope, ...remote]);
  assert.equal(saved.exitCode, 0, saved.stderr);
}

describe('stoat du and stoat prune', () => {
  test('on a directory store: du shows it, prune with no rule changes nothing, a rule removes, and what stays restores', async () => {
    const directory = await workspace('directory');
    const store = join(root, 'store');
    const remote = ['--remote', store];
    for (const command of ['make 1', 'make 2', 'make 3']) await save(directory, remote, command);
    await save(directory, remote, 'make 3', 'trusted');
    await age(store, 5);

    const du = await stoat(directory, ['du', ...remote]);
    assert.equal(du.exitCode, 0, du.stderr);
    assert.match(du.stdout, /holds 4 results of 1 output in 2 scopes/);
    assert.match(du.stdout, /^out +4 +2 /m);
    const usage = JSON.parse((await stoat(directory, ['du', '--json', ...remote])).stdout);
    assert.deepEqual(usage.scopes.map((scope: { name: string; results: number }) => [scope.name, scope.results]), [['ci', 3], ['trusted', 1]]);

    const before = await describeTree(store);
    const dry = await stoat(directory, ['prune', ...remote]);
    assert.equal(dry.exitCode, 0, dry.stderr);
    assert.match(dry.stdout, /^dry run, nothing changed: no rule was given/);
    const wouldRemove = await stoat(directory, ['prune', '--keep-last', '1', '--dry-run', ...remote]);
    assert.match(wouldRemove.stdout, /would remove 2 results, kept 2 results/);
    assert.deepEqual(await describeTree(store), before);

    const pruned = await stoat(directory, ['prune', '--keep-last', '1', '--json', ...remote]);
    assert.equal(pruned.exitCode, 0, pruned.stderr);
    const outcome = JSON.parse(pruned.stdout);
    assert.deepEqual([outcome.dry_run, outcome.removed.length, outcome.kept], [false, 2, 2]);
    assert.ok(outcome.removed.every((result: { scope: string }) => result.scope === 'ci'), 'trusted is kept unless named');
    assert.ok(outcome.freed.objects > 0, 'the removed results held objects of their own');

    const fresh = await emptyFolder('fresh');
    const restored = await stoat(fresh, ['restore', '--command', 'make 3', '--outputs', 'out', '--scope', 'ci', '--json', ...remote]);
    assert.equal(restored.report?.status, 'hit', restored.stderr);
    const gone = await stoat(fresh, ['restore', '--command', 'make 1', '--outputs', 'out', '--scope', 'ci', '--json', ...remote]);
    assert.equal(gone.report?.status, 'miss', gone.stderr);
  });

  test('on S3 through the same commands', async () => {
    const directory = await workspace('s3');
    const remote = ['--remote', `s3://${server.bucket}/e2e`, '--s3-endpoint', server.endpoint];
    for (const command of ['make 1', 'make 2']) await save(directory, remote, command, 'pr-7');
    const du = await stoat(directory, ['du', ...remote]);
    assert.equal(du.exitCode, 0, du.stderr);
    assert.match(du.stdout, /holds 2 results of 1 output in 1 scope/);
    const pruned = await stoat(directory, ['prune', '--older-than', '0s', '--grace', '0s', '--scope', 'pr-7', ...remote]);
    assert.equal(pruned.exitCode, 0, pruned.stderr);
    assert.match(pruned.stdout, /^removed 2 results, kept 0 results$/m);
    assert.match(pruned.stdout, /^deleted \d+ objects? \(.*\) that no result uses$/m);
    const after = JSON.parse((await stoat(directory, ['du', '--json', ...remote])).stdout);
    assert.deepEqual([after.results, after.blobs.objects + after.packs.objects], [0, 0]);
  });

  const badInput: [string, string[], RegExp][] = [
    ['a duration without a unit', ['prune', '--older-than', '30'], /^stoat prune: --older-than is "30", which is not a duration: give a whole number and a unit, s, m, h or d \(30d, 12h, 15m, 0s\)$/m],
    ['a grace period in weeks', ['prune', '--grace', '2w'], /--grace is "2w", which is not a duration/],
    ['keep-last zero', ['prune', '--keep-last', '0'], /--keep-last is "0": use a whole number from 1 to 1000000/],
    ['a scope the store does not hold', ['prune', '--keep-last', '1', '--scope', 'pr-404'], /--scope "pr-404" holds no result in .*: the scopes there are "ci", "trusted"/],
    ['a scope name that cannot be one', ['prune', '--keep-last', '1', '--scope', 'no spaces'], /scope "no spaces" is not a valid scope name/],
    ['an output the store does not hold', ['prune', '--keep-last', '1', '--output', 'modle/'], /--output "modle" has no result in .*: the outputs there are "out"/],
    ['--unused-only with a rule', ['prune', '--unused-only', '--keep-last', '1'], /--unused-only removes no result/],
    ['a mistyped option', ['prune', '--keep-lats', '1'], /unknown option --keep-lats: did you mean --keep-last\?/],
    ['an argument', ['du', 'somewhere'], /unexpected argument "somewhere": stoat du takes options only/],
  ];
  describe('bad input', () => {
    const store = (): string => join(root, 'bad-input-store');
    beforeAll(async () => {
      const directory = await workspace('bad-input');
      await save(directory, ['--remote', store()], 'make 1');
      await save(directory, ['--remote', store()], 'make 1', 'trusted');
    });
    test.each(badInput)('%s is a usage error: exit 2, a message that says what to do, no stack trace', async (_, args, message) => {
      const outcome = await stoat(root, [...args, '--remote', store()]);
      assert.equal(outcome.exitCode, 2, outcome.stderr);
      assert.match(outcome.stderr, message);
      assert.doesNotMatch(outcome.stderr, noStack);
    });
  });

  test('a remote that cannot be reached: exit 1 with what failed and what to check, no stack trace', async () => {
    const port = await closedPort();
    for (const command of ['du', 'prune']) {
      const outcome = await stoat(root, [command, '--remote', 's3://nobody-home/x', '--s3-endpoint', `http://127.0.0.1:${port}`, '--timeout', '2']);
      assert.equal(outcome.exitCode, 1, outcome.stderr);
      assert.match(outcome.stderr, new RegExp(`^stoat ${command}: could not list s3://nobody-home/x/stoat/v1/.*check that the S3 server is reachable`, 'm'));
      assert.doesNotMatch(outcome.stderr, noStack);
    }
  });

  test('saves and prunes as separate processes at the same time leave every saved result restorable', async () => {
    const directory = await workspace('processes');
    const store = join(root, 'processes-store');
    const remotes = [['--remote', store], ['--remote', `s3://${server.bucket}/processes`, '--s3-endpoint', server.endpoint]];
    // s3rver says an object was written when its file was.
    const folders = [store, join(server.directory, server.bucket, 'processes')];
    for (const [index, remote] of remotes.entries()) {
      for (let round = 0; round < 4; round++) {
        await save(directory, remote, `base ${index} ${round}`);
        await age(folders[index]!, 2);
        await writeFile(join(directory, 'out', 'b.bin'), randomBytes(9000));
        const expected = await describeTree(join(directory, 'out'));
        const saving = startCli(cli, directory, ['save', '--command', `next ${index} ${round}`, '--outputs', 'out', '--scope', 'ci', ...remote], childEnvironment(root));
        const pruning = startCli(cli, directory, ['prune', round % 2 === 0 ? '--keep-last' : '--older-than', round % 2 === 0 ? '1' : '0s', ...remote], childEnvironment(root));
        const [saved, pruned] = await Promise.all([saving.done, pruning.done]);
        assert.equal(saved.exitCode, 0, saved.stderr);
        assert.equal(pruned.exitCode, 0, pruned.stderr);
        const fresh = await emptyFolder(`processes-restore-${index}-${round}`);
        const restored = await stoat(fresh, ['restore', '--command', `next ${index} ${round}`, '--outputs', 'out', '--scope', 'ci', '--json', ...remote]);
        assert.equal(restored.report?.status, 'hit', restored.stderr);
        assert.deepEqual(await describeTree(join(fresh, 'out')), expected);
      }
      const usage = JSON.parse((await stoat(directory, ['du', '--json', ...remote])).stdout);
      assert.deepEqual([usage.problems.missing_objects, usage.problems.damaged_objects], [[], []]);
    }
  });
});
