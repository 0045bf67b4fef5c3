import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import { repositoryRoot, runAction, type RunnerJob } from './actionRunner.js';

const cli = join(repositoryRoot, 'dist', 'cli', 'index.js');
const sources = { 'train.py': 'print("train")\n', 'data/a.txt': 'alpha\n' };
let root: string;

beforeAll(async () => {
  root = await makeTemporaryDirectory('e2e-same-key');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The key the built CLI reports for the step, run with `stoat exec ... -- WORD...` in a project of its own. */
async function cliKey(name: string, words: string[]): Promise<string> {
  const directory = join(root, name, 'cli');
  await writeFiles(directory, sources);
  const options = ['--deps', 'train.py', '--deps', 'data/', '--outputs', 'model', '--env', 'SEED', '--key-extra', 'v2', '--remote', join(root, name, 'cli-remote'), '--json'];
  const result = spawnSync(process.execPath, [cli, 'exec', ...options, '--', ...words], { cwd: directory, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: join(root, 'home'), SEED: '1' } });
  assert.equal(result.status, 0, result.stderr);
  return (JSON.parse(result.stdout) as { key: string }).key;
}

/** The key the built Action reports for the step, given as its `run:` input in a job of its own. */
async function actionKey(name: string, run: string): Promise<string> {
  const workspace = join(root, name, 'workspace');
  await writeFiles(workspace, sources);
  const runnerTemp = join(root, name, 'temp');
  await mkdir(runnerTemp, { recursive: true });
  const job: RunnerJob = { workspace, runnerTemp, toolCache: join(root, name, 'tool-cache'), eventName: 'push', ref: 'refs/heads/main', payload: { repository: { default_branch: 'main' } } };
  const inputs = { run, deps: 'train.py\ndata/\n', outputs: 'model\n', env: 'SEED\n', 'key-extra': 'v2', remote: join(root, name, 'action-remote') };
  const result = await runAction(job, 'action.yml', 'main', inputs, {}, { SEED: '1' });
  assert.equal(result.exitCode, 0, result.stdout + result.stderr);
  return result.outputs.key!;
}

describe('the built CLI and the built Action report the same key for the same step', () => {
  test('several words that need quoting after --, and the run: input that quotes them the same way', async () => {
    const words = ['bash', '-c', 'mkdir -p model && echo "$1" > model/out', 'train', 'it\'s $HOME'];
    const run = `bash -c 'mkdir -p model && echo "$1" > model/out' train 'it'\\''s $HOME'`;
    assert.equal(await cliKey('quoted', words), await actionKey('quoted', run));
  });

  test('a multi-line script as one word, and a run: block scalar with CRLF line breaks', async () => {
    const cli = await cliKey('lines', ['mkdir -p model\necho built > model/out\n']);
    const action = await actionKey('lines', '\r\nmkdir -p model\r\necho built > model/out\r\n');
    assert.equal(cli, action);
    assert.notEqual(cli, await cliKey('other', ['mkdir -p model; echo built > model/out']), 'a different script makes a different key');
  });
});
