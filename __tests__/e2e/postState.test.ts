import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import { type ActionRun, runAction, type RunnerJob } from './actionRunner.js';

/*
 * The post step of `command` mode saves under the key main computed, from the state main left and
 * the JSON report it wrote. When either is missing or damaged, post fails the step with a message
 * that says what is wrong, and saves nothing.
 */

let root: string;

beforeAll(async () => {
  root = await makeTemporaryDirectory('e2e-post-state');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface CommandJob {
  job: RunnerJob;
  inputs: Record<string, string>;
  remote: string;
}

/** A job whose step is given as `command`, with the command's output already made by the workflow. */
async function commandJob(name: string): Promise<CommandJob> {
  const workspace = join(root, name, 'workspace');
  await writeFiles(workspace, { 'train.py': 'print("train")\n', 'model.bin': 'weights\n' });
  const runnerTemp = join(root, name, 'temp');
  await mkdir(runnerTemp, { recursive: true });
  const job = { workspace, runnerTemp, toolCache: join(root, name, 'tool-cache'), eventName: 'push', ref: 'refs/heads/main', payload: { repository: { default_branch: 'main' } } };
  const remote = join(root, name, 'remote');
  return { job, inputs: { command: 'python train.py', deps: 'train.py', outputs: 'model.bin', remote }, remote };
}

/** main in command mode: a miss, with the state it leaves for post. */
async function runMain(step: CommandJob): Promise<ActionRun> {
  const main = await runAction(step.job, 'action.yml', 'main', step.inputs);
  assert.equal(main.exitCode, 0, main.stdout + main.stderr);
  assert.equal(main.outputs.hit, 'false');
  return main;
}

async function assertFailedAndSavedNothing(post: ActionRun, step: CommandJob, message: RegExp): Promise<void> {
  assert.equal(post.exitCode, 1, post.stdout + post.stderr);
  const errors = post.stdout.split('\n').filter((line) => line.startsWith('::error::'));
  assert.equal(errors.length, 1, post.stdout);
  assert.match(errors[0]!, message);
  assert.match(errors[0]!, /nothing was saved/);
  assert.doesNotMatch(post.stdout, /failed unexpectedly/);
  assert.equal(post.outputs.status, 'error');
  assert.equal(existsSync(join(step.remote, 'stoat', 'v1', 'outputs')), false, 'no manifest was written');
}

describe('the post step refuses a state it cannot trust', () => {
  test('a state that is not JSON', async () => {
    const step = await commandJob('state-not-json');
    const post = await runAction(step.job, 'action.yml', 'post', step.inputs, { 'stoat-step': '{"mode":"command","reportPath":' });
    await assertFailedAndSavedNothing(post, step, /the state the main step left for the post step \(STATE_stoat-step\) is not valid JSON/);
  });

  test('a state that is JSON but not what main writes', async () => {
    const step = await commandJob('state-wrong-shape');
    const main = await runMain(step);
    const state = JSON.parse(main.state['stoat-step']!);
    for (const damaged of [{ ...state, key: 'not-a-key' }, { ...state, mode: 'later' }, { ...state, reportPath: 7 }, [state]]) {
      const post = await runAction(step.job, 'action.yml', 'post', step.inputs, { 'stoat-step': JSON.stringify(damaged) });
      await assertFailedAndSavedNothing(post, step, /\(STATE_stoat-step\) is not what the main step writes/);
    }
  });

  test('no state at all', async () => {
    const step = await commandJob('state-missing');
    const post = await runAction(step.job, 'action.yml', 'post', step.inputs, {});
    await assertFailedAndSavedNothing(post, step, /\(STATE_stoat-step\) is missing: the main step did not finish/);
  });
});

describe('the post step refuses a report it cannot trust', () => {
  test('a report file that is gone', async () => {
    const step = await commandJob('report-missing');
    const main = await runMain(step);
    await unlink(main.outputs.report!);
    const post = await runAction(step.job, 'action.yml', 'post', step.inputs, main.state);
    await assertFailedAndSavedNothing(post, step, new RegExp(`the JSON report the main step wrote at ${main.outputs.report} cannot be read \\(ENOENT`));
  });

  test('a report file cut short', async () => {
    const step = await commandJob('report-cut');
    const main = await runMain(step);
    const text = await readFile(main.outputs.report!, 'utf8');
    await writeFile(main.outputs.report!, text.slice(0, text.length / 2));
    const post = await runAction(step.job, 'action.yml', 'post', step.inputs, main.state);
    await assertFailedAndSavedNothing(post, step, /the JSON report the main step wrote at .* cannot be read \(.*JSON/);
  });

  test('a report that is JSON but not a step report', async () => {
    const step = await commandJob('report-wrong-shape');
    const main = await runMain(step);
    const report = JSON.parse(await readFile(main.outputs.report!, 'utf8'));
    const cases: [unknown, RegExp][] = [
      [{ status: 'miss' }, /is not a stoat step report: it has no field "reason"/],
      [{ ...report, inputs: [{ path: 'train.py' }] }, /is not a stoat step report: its field "inputs" holds/],
      [{ ...report, damaged_objects: null }, /its field "damaged_objects" holds null/],
      [null, /it is not a JSON object/],
    ];
    for (const [damaged, message] of cases) {
      await writeFile(main.outputs.report!, JSON.stringify(damaged));
      const post = await runAction(step.job, 'action.yml', 'post', step.inputs, main.state);
      await assertFailedAndSavedNothing(post, step, message);
    }
  });

  test('a report of another step', async () => {
    const step = await commandJob('report-swapped');
    const main = await runMain(step);
    const report = JSON.parse(await readFile(main.outputs.report!, 'utf8'));
    await writeFile(main.outputs.report!, JSON.stringify({ ...report, key: 'f'.repeat(64) }));
    const post = await runAction(step.job, 'action.yml', 'post', step.inputs, main.state);
    await assertFailedAndSavedNothing(post, step, new RegExp(`holds the key f{64}, but the main step computed ${main.outputs.key}`));
  });

  test('the report as main wrote it is saved from', async () => {
    const step = await commandJob('report-whole');
    const main = await runMain(step);
    const post = await runAction(step.job, 'action.yml', 'post', step.inputs, main.state);
    assert.equal(post.exitCode, 0, post.stdout + post.stderr);
    assert.match(post.stdout, /save: saved into scope "trusted"/);
    assert.equal(existsSync(join(step.remote, 'stoat', 'v1', 'outputs', 'model.bin', main.outputs.key!)), true);
  });
});
