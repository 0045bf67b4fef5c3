import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { makeTemporaryDirectory } from '../helpers/workspace.js';
import { repositoryRoot, runAction, type RunnerJob } from './actionRunner.js';

/**
 * What a run read is counted by the kernel: a preloaded script copies /proc/self/io as the process
 * exits. An output much larger than everything else a run reads (its bundle, a manifest, the cache)
 * shows whether its bytes were read.
 */
const withProcIo = existsSync('/proc/self/io') ? describe : describe.skip;
const cli = join(repositoryRoot, 'dist', 'cli', 'index.js');
const outputBytes = 24 * 1024 * 1024;
let root: string;
let preload: string;

beforeAll(async () => {
  root = await makeTemporaryDirectory('e2e-hash-cache');
  preload = join(root, 'count-reads.cjs');
  await writeFile(preload, "process.on('exit', () => require('fs').writeFileSync(process.env.STOAT_TEST_IO, require('fs').readFileSync('/proc/self/io')));\n");
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A workspace whose output, written an hour ago, is larger than anything else a run reads. */
async function workspaceWithOutput(name: string): Promise<string> {
  const workspace = join(root, name);
  await mkdir(join(workspace, 'model'), { recursive: true });
  await writeFile(join(workspace, 'model', 'weights.bin'), randomBytes(outputBytes));
  await writeFile(join(workspace, 'model', 'config.json'), '{"layers": 2}\n');
  const anHourAgo = new Date(Date.now() - 3_600_000);
  for (const file of ['weights.bin', 'config.json']) await utimes(join(workspace, 'model', file), anHourAgo, anHourAgo);
  return workspace;
}

/** Runs the built CLI with the read counter; returns its JSON report and the bytes it read. */
async function stoat(workspace: string, args: string[]): Promise<{ report: { status: string; outputs: { status: string; manifest: string }[] }; bytesRead: number }> {
  const io = join(root, 'io.txt');
  const environment = { PATH: process.env.PATH ?? '', HOME: join(root, 'home'), XDG_CACHE_HOME: join(workspace, '..', `${workspace.split('/').pop()}-xdg`), STOAT_TEST_IO: io };
  const result = spawnSync(process.execPath, ['--require', preload, cli, ...args, '--json'], { cwd: workspace, encoding: 'utf8', env: environment });
  assert.equal(result.status, 0, result.stderr);
  return { report: JSON.parse(result.stdout), bytesRead: readBytes(await readFile(io, 'utf8')) };
}

function readBytes(io: string): number {
  return Number(/^rchar: (\d+)$/m.exec(io)![1]);
}

withProcIo('the CLI and the hash cache', () => {
  const step = ['--command', 'train', '--outputs', 'model', '--remote'];

  test('a second save with nothing changed reads no output bytes; with --no-hash-cache it reads them all', async () => {
    const workspace = await workspaceWithOutput('save');
    const remote = join(root, 'save-remote');
    const first = await stoat(workspace, ['save', ...step, remote]);
    assert.equal(first.report.outputs[0]!.status, 'saved');
    assert.ok(first.bytesRead >= outputBytes, `the first save read ${first.bytesRead} bytes`);

    const second = await stoat(workspace, ['save', ...step, remote]);
    assert.equal(second.report.outputs[0]!.status, 'already-saved');
    assert.ok(second.bytesRead < outputBytes / 2, `the second save read ${second.bytesRead} bytes`);

    const uncached = await stoat(workspace, ['save', ...step, remote, '--no-hash-cache']);
    assert.equal(uncached.report.outputs[0]!.status, 'already-saved');
    assert.ok(uncached.bytesRead >= outputBytes, `--no-hash-cache read ${uncached.bytesRead} bytes`);
    assert.ok(readdirSync(join(root, 'save-xdg', 'stoat', 'hash-cache')).length > 0, 'the cache lives in $XDG_CACHE_HOME/stoat/hash-cache');
  });

  test('a restore with everything present reads nothing, again and again; --no-hash-cache and stoat verify read it all', async () => {
    const workspace = await workspaceWithOutput('restore');
    const remote = join(root, 'restore-remote');
    const saved = await stoat(workspace, ['save', ...step, remote]);
    for (const round of [1, 2]) {
      const present = await stoat(workspace, ['restore', ...step, remote]);
      assert.equal(present.report.status, 'hit');
      assert.ok(present.bytesRead < outputBytes / 2, `restore ${round} read ${present.bytesRead} bytes`);
    }
    const uncached = await stoat(workspace, ['restore', ...step, remote, '--no-hash-cache']);
    assert.equal(uncached.report.status, 'hit');
    assert.ok(uncached.bytesRead >= outputBytes, `--no-hash-cache read ${uncached.bytesRead} bytes`);

    const io = join(root, 'io.txt');
    const verify = spawnSync(process.execPath, ['--require', preload, cli, 'verify', 'model', saved.report.outputs[0]!.manifest], {
      cwd: workspace,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: join(root, 'home'), XDG_CACHE_HOME: join(root, 'restore-xdg'), STOAT_TEST_IO: io },
    });
    assert.equal(verify.status, 0, verify.stderr + verify.stdout);
    assert.ok(readBytes(await readFile(io, 'utf8')) >= outputBytes, 'verify reads every byte');
  });

  test('only --no-hash-cache runs: no cache folder is made', async () => {
    const workspace = await workspaceWithOutput('never');
    await stoat(workspace, ['save', ...step, join(root, 'never-remote'), '--no-hash-cache']);
    await stoat(workspace, ['restore', ...step, join(root, 'never-remote'), '--no-hash-cache']);
    assert.equal(existsSync(join(root, 'never-xdg', 'stoat', 'hash-cache')), false);
  });
});

withProcIo('the action and the hash cache', () => {
  async function job(name: string): Promise<RunnerJob> {
    const workspace = await workspaceWithOutput(`${name}-workspace`);
    const runnerTemp = join(root, `${name}-temp`);
    await mkdir(runnerTemp, { recursive: true });
    return { workspace, runnerTemp, toolCache: join(root, `${name}-tools`), eventName: 'push', ref: 'refs/heads/main', payload: { repository: { default_branch: 'main' } } };
  }

  /** Runs the save sub-action with the read counter; returns the bytes it read. */
  async function save(runner: RunnerJob, inputs: Record<string, string>): Promise<number> {
    const io = join(root, 'action-io.txt');
    const run = await runAction(runner, 'save/action.yml', 'main', { command: 'train', outputs: 'model', remote: join(root, 'action-remote'), ...inputs }, {}, { NODE_OPTIONS: `--require ${preload}`, STOAT_TEST_IO: io });
    assert.equal(run.exitCode, 0, run.stderr + run.stdout);
    return readBytes(await readFile(io, 'utf8'));
  }

  test('steps of one job share the cache under RUNNER_TEMP; hash-cache: false reads every time and keeps none', async () => {
    const cached = await job('cached');
    assert.ok((await save(cached, {})) >= outputBytes);
    assert.ok((await save(cached, {})) < outputBytes / 2, 'the second save of the job read the output again');
    assert.ok(readdirSync(join(cached.runnerTemp, 'stoat-hash-cache')).length > 0);

    const uncached = await job('uncached');
    assert.ok((await save(uncached, { 'hash-cache': 'false' })) >= outputBytes);
    assert.ok((await save(uncached, { 'hash-cache': 'false' })) >= outputBytes);
    assert.equal(existsSync(join(uncached.runnerTemp, 'stoat-hash-cache')), false);
  });
});
