import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';

/*
 * GitHub's own tool for running an action on a laptop, @github/local-action, runs the action's
 * TypeScript entry modules (`run()` exported, @actions/core and @actions/github stubbed) as the
 * template's README shows: `npx @github/local-action run . src/action/main.ts .env`.
 */

const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const localAction = join(repositoryRoot, 'node_modules', '@github', 'local-action', 'bin', 'local-action.js');

let root: string;

beforeAll(async () => {
  root = await makeTemporaryDirectory('local-action');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs main then post in command mode for a fresh workspace; returns the outputs post set last, and the log. */
async function runMainAndPost(workspace: string): Promise<{ code: number | null; outputs: Record<string, string>; log: string }> {
  const environmentFile = join(workspace, '..', `${workspace.split('/').at(-1)}.env`);
  await writeFile(
    environmentFile,
    [`INPUT_COMMAND=make model.txt`, `INPUT_OUTPUTS=model.txt`, `INPUT_REMOTE=${join(root, 'remote')}`, `INPUT_SUMMARY=false`, `GITHUB_WORKSPACE=${workspace}`, `RUNNER_TEMP=${join(root, 'runner-temp')}`].join('\n'),
  );
  const child = spawn(process.execPath, [localAction, 'run', '.', 'src/action/main.ts', environmentFile, '--post', 'src/action/post.ts'], {
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const outputs: Record<string, string> = {};
  for (const match of log.matchAll(/^::set-output name=([a-z]+)::(.*)$/gm)) outputs[match[1]!] = match[2]!;
  return { code, outputs, log };
}

describe('@github/local-action runs the action from its TypeScript entrypoints', () => {
  test('main and post in command mode: a miss whose post saves, then a hit in a fresh workspace', async () => {
    const first = join(root, 'first');
    await writeFiles(first, { 'model.txt': 'weights made by a step of the workflow\n' });
    const miss = await runMainAndPost(first);
    assert.equal(miss.code, 0, miss.log);
    assert.equal(miss.outputs.hit, 'false', miss.log);
    assert.match(miss.log, /save: saved into scope "local"/);

    const second = join(root, 'second');
    await writeFiles(second, { 'placeholder.txt': '' });
    const hit = await runMainAndPost(second);
    assert.equal(hit.code, 0, hit.log);
    assert.equal(hit.outputs.hit, 'true', hit.log);
    assert.match(hit.log, /the outputs were restored, so there is nothing to save/);
    assert.equal(await readFile(join(second, 'model.txt'), 'utf8'), 'weights made by a step of the workflow\n');
  });
});
