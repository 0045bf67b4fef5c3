import assert from 'node:assert/strict';
import { appendFile, cp, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { s3rverCredentials, type S3Server } from '../helpers/s3Server.js';
import { childEnvironment, copyBuiltCli, runCli } from '../helpers/stoatChild.js';
import { useS3Server } from '../helpers/useS3Server.js';
import { makeTemporaryDirectory } from '../helpers/workspace.js';
import { runAction, type RunnerJob } from './actionRunner.js';

/*
 * examples/tiny-pipeline as the README walks through it, on S3 (s3rver): from the built CLI, and from
 * the action's bundle run the runner's way.
 */

let root: string;
let cli: string;
let server: S3Server;
let copies = 0;

useS3Server((started) => {
  server = started;
});

beforeAll(async () => {
  root = await makeTemporaryDirectory('e2e-tiny-pipeline');
  cli = await copyBuiltCli(root);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const outputFolders = ['data', 'features', 'model', 'metrics', '.stoat'];

/** A fresh checkout of the example, without anything a run wrote. */
async function checkout(): Promise<string> {
  const directory = join(root, `checkout-${++copies}`);
  await cp('examples/tiny-pipeline', directory, { recursive: true, filter: (source) => !outputFolders.some((folder) => source.endsWith(`/${folder}`)) });
  return directory;
}

interface RunJson {
  steps: { name: string; status: string; reason: string }[];
}

async function stoatRun(directory: string, remote: string): Promise<RunJson> {
  const outcome = await runCli(cli, directory, ['run', 'all', '--json', '--remote', remote, '--s3-endpoint', server.endpoint], childEnvironment(root));
  assert.equal(outcome.exitCode, 0, outcome.stderr);
  return JSON.parse(outcome.stdout) as RunJson;
}

const verdicts = (json: RunJson): string[] => json.steps.map((step) => `${step.name}:${step.status}`);

describe('the README walk through examples/tiny-pipeline', () => {
  test('from the CLI: all run, then all skipped; deleted outputs restored; an edited script re-runs its step and the one after it, saying why', async () => {
    const remote = `s3://${server.bucket}/tiny-cli`;
    const directory = await checkout();
    assert.deepEqual(verdicts(await stoatRun(directory, remote)), ['prepare:ran', 'features-sum:ran', 'features-product:ran', 'train:ran', 'evaluate:ran']);
    const metrics = await readFile(join(directory, 'metrics/metrics.json'), 'utf8');
    assert.deepEqual(verdicts(await stoatRun(directory, remote)), ['prepare:skipped', 'features-sum:skipped', 'features-product:skipped', 'train:skipped', 'evaluate:skipped']);

    for (const folder of outputFolders) await rm(join(directory, folder), { recursive: true, force: true });
    assert.deepEqual(verdicts(await stoatRun(directory, remote)), ['prepare:restored', 'features-sum:restored', 'features-product:restored', 'train:restored', 'evaluate:restored']);
    assert.equal(await readFile(join(directory, 'metrics/metrics.json'), 'utf8'), metrics, 'restored byte for byte');

    await appendFile(join(directory, 'scripts/train.mjs'), '\n// a comment that changes the script\n');
    const edited = await stoatRun(directory, remote);
    assert.deepEqual(verdicts(edited), ['prepare:skipped', 'features-sum:skipped', 'features-product:skipped', 'train:ran', 'evaluate:skipped']);
    assert.match(edited.steps[3]!.reason, /scripts\/train\.mjs/u, 'the reason names the edited script');
  });

  test('from the action: a miss on a fresh runner, then every step restored on another', async () => {
    const job = async (): Promise<RunnerJob> => {
      const workspace = join(root, `workspace-${++copies}`);
      await mkdir(workspace, { recursive: true });
      await cp(await checkout(), join(workspace, 'pipeline'), { recursive: true });
      const runnerTemp = join(workspace, '..', `temp-${copies}`);
      await mkdir(runnerTemp, { recursive: true });
      return { workspace, runnerTemp, toolCache: join(root, 'tool-cache'), eventName: 'push', ref: 'refs/heads/main', payload: { repository: { default_branch: 'main' } } };
    };
    const inputs = { project: 'pipeline', workflow: 'all', remote: `s3://${server.bucket}/tiny-action`, 's3-endpoint': server.endpoint };
    const first = await runAction(await job(), 'action.yml', 'main', inputs, {}, { ...s3rverCredentials });
    assert.equal(first.exitCode, 0, first.stdout + first.stderr);
    assert.deepEqual(JSON.parse(first.outputs.ran!), ['prepare', 'features-sum', 'features-product', 'train', 'evaluate']);
    assert.match(first.summary, /5 steps — 5 ran/u);
    const second = await runAction(await job(), 'action.yml', 'main', inputs, {}, { ...s3rverCredentials });
    assert.equal(second.exitCode, 0, second.stdout + second.stderr);
    assert.equal(second.outputs.hit, 'true');
    assert.match(second.summary, /5 steps — nothing ran/u);
  });
});
