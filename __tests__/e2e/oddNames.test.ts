import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdir, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { childEnvironment, copyBuiltCli, type CliOutcome, runCli } from '../helpers/stoatChild.js';
import { listFilePaths, makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';

let root: string;
let cli: string;

beforeAll(async () => {
  root = await makeTemporaryDirectory('odd-names');
  cli = await copyBuiltCli(root);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A fresh workspace and, beside it, a directory remote that starts empty. */
async function project(name: string, files: Record<string, string> = {}): Promise<{ workspace: string; remote: string }> {
  const workspace = join(root, name, 'workspace');
  const remote = join(root, name, 'remote');
  await mkdir(workspace, { recursive: true });
  await writeFiles(workspace, files);
  return { workspace, remote };
}

function stoat(workspace: string, args: string[]): Promise<CliOutcome> {
  return runCli(cli, workspace, args, childEnvironment(root));
}

/** Bad input: exit 2, the message on stderr, and no stack trace. */
function assertBadInput(outcome: CliOutcome, message: RegExp): void {
  assert.equal(outcome.exitCode, 2, outcome.stderr);
  assert.match(outcome.stderr, message);
  assert.doesNotMatch(outcome.stderr, /^\s+at /m, 'no stack trace');
  assert.doesNotMatch(outcome.stderr, /failed unexpectedly|ENOENT|ENAMETOOLONG/);
}

/** `data/caf<0xe9>.txt`: a Latin-1 "é", as an old archive or a Windows share leaves it. */
function writeLatin1Name(directory: string, name = 'caf'): void {
  writeFileSync(Buffer.concat([Buffer.from(join(directory, name)), Buffer.from([0xe9]), Buffer.from('.txt')]), 'x');
}

const notUtf8 = /a file name that is not valid UTF-8: stoat records names as UTF-8 text/;

describe('names that are not valid UTF-8', () => {
  test('stoat hash refuses a folder, a glob and a file argument holding one, naming it escaped', async () => {
    const { workspace } = await project('hash', { 'data/a.txt': 'a' });
    writeLatin1Name(join(workspace, 'data'));
    assertBadInput(await stoat(workspace, ['hash', 'data']), /stoat hash: dep "data" contains caf\\xe9\.txt, a file name that is not valid UTF-8/);
    assertBadInput(await stoat(workspace, ['hash', 'data/*']), /stoat hash: dep "data\/\*" matches data\/caf\\xe9\.txt/);
    // The name as the shell passes it: bytes, which the CLI reads as text.
    const direct = execFileSync('sh', ['-c', `"${process.execPath}" "${cli}" hash "$(printf 'data/caf\\351.txt')" 2>&1; echo "exit $?"`], { cwd: workspace, encoding: 'utf8', env: childEnvironment(root) });
    assert.match(direct, /names data\/caf\\xe9\.txt, a file name that is not valid UTF-8/);
    assert.match(direct, /exit 2\n$/);
  });

  test('stoat exec refuses an output holding one after the command ran, and uploads nothing', async () => {
    const { workspace, remote } = await project('exec');
    const outcome = await stoat(workspace, ['exec', '--outputs', 'out', '--remote', remote, '--', 'sh', '-c', `mkdir -p out && echo a > out/a.txt && echo b > "$(printf 'out/caf\\351.txt')"`]);
    assertBadInput(outcome, /stoat exec: output "out" contains caf\\xe9\.txt, a file name that is not valid UTF-8/);
    assert.deepEqual(await listFilePaths(remote), []);
  });

  test('a dep folder holding one is refused the same way by stoat exec, before the command runs', async () => {
    const { workspace, remote } = await project('exec-dep', { 'data/a.txt': 'a' });
    writeLatin1Name(join(workspace, 'data'));
    const outcome = await stoat(workspace, ['exec', '--deps', 'data', '--outputs', 'out', '--remote', remote, '--', 'sh', '-c', 'echo ran > ../ran && mkdir out']);
    assertBadInput(outcome, notUtf8);
    assert.equal(existsSync(join(root, 'exec-dep', 'ran')), false, 'the command must not run');
  });
});

describe('save-side refusals through the CLI', () => {
  test('names no restore accepts: exit 2 naming the files, nothing uploaded', async () => {
    const { workspace, remote } = await project('names');
    const outcome = await stoat(workspace, ['exec', '--outputs', 'out', '--remote', remote, '--', 'sh', '-c', 'mkdir -p out && echo a > out/README && echo b > out/readme']);
    assertBadInput(outcome, /output "out" cannot be saved: it holds both "README" and "readme"/);
    assert.deepEqual(await listFilePaths(remote), []);
  });

  test('an output below a link out of the working directory: exit 2 naming the link, nothing uploaded', async () => {
    const { workspace, remote } = await project('link');
    await writeFiles(join(root, 'link', 'outside'), { 'ssh/id_ed25519': 'private key' });
    await symlink(join(root, 'link', 'outside'), join(workspace, 'home'));
    const outcome = await stoat(workspace, ['exec', '--outputs', 'home/ssh', '--remote', remote, '--', 'true']);
    assertBadInput(outcome, /output "home\/ssh" is below home, which is a symbolic link to .*outside, outside the working directory/);
    assert.deepEqual(await listFilePaths(remote), []);
  });

  test('an output nested past the system limit: exit 2 naming the output and the limit', async () => {
    const { workspace, remote } = await project('deep');
    const level = 'd'.repeat(200);
    const script = `const fs = require('node:fs'); for (const name of ['out', ...Array(22).fill('${level}')]) { fs.mkdirSync(name); process.chdir(name); } fs.writeFileSync('file', 'x');`;
    try {
      const outcome = await stoat(workspace, ['exec', '--outputs', 'out', '--remote', remote, '--', process.execPath, '-e', script]);
      assertBadInput(outcome, /output "out" contains d+…d+, whose path is too long: .*this system allows less than 4096 bytes in a path/);
      assert.deepEqual(await listFilePaths(remote), []);
    } finally {
      execFileSync('rm', ['-rf', join(workspace, 'out')]);
    }
  });

  test('a dep glob matching a link to a device: exit 2 naming it', async () => {
    const { workspace } = await project('device', { 'data/a.txt': 'a' });
    await symlink('/dev/zero', join(workspace, 'data/zero'));
    assertBadInput(await stoat(workspace, ['hash', 'data/*']), /dep "data\/\*" matches data\/zero, a link to \/dev\/zero, which is not a regular file/);
  });

  test('an output that is also a dep is warned about', async () => {
    const { workspace, remote } = await project('overlap', { 'data/raw.txt': 'raw' });
    const outcome = await stoat(workspace, ['exec', '--deps', 'data', '--outputs', 'data/summary.txt', '--remote', remote, '--', 'sh', '-c', 'wc -c data/raw.txt > data/summary.txt']);
    assert.equal(outcome.exitCode, 0, outcome.stderr);
    assert.match(outcome.stderr, /stoat: warning: output "data\/summary\.txt" is inside dep "data": the command changes it, so the key changes with every run/);
  });

  test('an output given as a glob is explained', async () => {
    const { workspace, remote } = await project('glob-output');
    const outcome = await stoat(workspace, ['exec', '--outputs', 'out/*.txt', '--remote', remote, '--', 'sh', '-c', 'mkdir -p out && echo a > out/a.txt']);
    assertBadInput(outcome, /output "out\/\*\.txt" does not exist, and outputs are paths of files or folders, not globs: declare the folder "out" instead/);
  });
});
