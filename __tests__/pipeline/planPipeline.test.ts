import assert from 'node:assert/strict';
import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { pipelineGraph } from '../../src/core/pipelineGraph.js';
import { prepareStep } from '../../src/engine/prepareStep.js';
import { planPipeline } from '../../src/pipeline/planPipeline.js';
import { SkipState, stateFile } from '../../src/pipeline/skipState.js';
import { keyStep, stepDefinitionOf } from '../../src/pipeline/stepKey.js';
import { makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import { command, contextOf, countingRemote, project, removeAll, run, statuses } from './pipelineFixture.js';

let root: string;

beforeAll(async () => {
  root = await makeTemporaryDirectory('pipeline-plan');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function line(directory: string, trainFlag = '1') {
  return project(directory, [
    command('prepare', { script: ['mkdir -p corpus', "sh -c 'cp raw.txt corpus/train.txt; cp raw.txt corpus/dev.txt'"], deps: ['raw.txt'], outputs: ['corpus'] }),
    command('train', { script: [`sh -c 'cat corpus/train.txt > model.bin; echo ${trainFlag} >> model.bin'`], deps: ['corpus/train.txt'], outputs: ['model.bin'] }),
    command('evaluate', { script: ["sh -c 'cat model.bin corpus/dev.txt > scores.json'"], deps: ['model.bin', 'corpus/dev.txt'], outputs: ['scores.json'] }),
  ]);
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

describe('stoat plan', () => {
  test('a clean checkout plans every step a hit, downstream keys from the upstream manifests, without downloading anything', async () => {
    const directory = join(root, 'clean');
    await writeFiles(directory, { 'raw.txt': 'tokens\n' });
    const { remote } = await countingRemote(join(root, 'clean-remote'));
    const ran = await run(line(directory), ['evaluate'], remote);
    const keys = ran.outcomes.map((outcome) => outcome.key);
    await removeAll(join(directory, 'corpus'), join(directory, 'model.bin'), join(directory, 'scores.json'), stateFile(directory));

    const pipeline = line(directory);
    const plan = await planPipeline(pipeline, pipelineGraph(pipeline, ['evaluate']), contextOf(remote), await SkipState.read(directory));
    assert.deepEqual(plan.steps.map((step) => [step.name, step.status, step.key]), [['prepare', 'hit', keys[0]], ['train', 'hit', keys[1]], ['evaluate', 'hit', keys[2]]]);
    assert.deepEqual(plan.waves, []);
    assert.equal(await exists(join(directory, 'corpus')), false, 'planning must not restore');
    assert.equal(await exists(join(directory, 'model.bin')), false);

    // --pull needed restores what the target needs: its own outputs; nothing upstream runs, so nothing else.
    const pulled = await run(line(directory), ['evaluate'], remote);
    assert.deepEqual(statuses(pulled.outcomes), { prepare: 'skipped', train: 'skipped', evaluate: 'restored' });
    assert.equal(await exists(join(directory, 'model.bin')), false);
    assert.equal(await exists(join(directory, 'scores.json')), true);
  });

  test('a changed upstream step runs and what follows it is pending, in waves', async () => {
    const directory = join(root, 'changed');
    await writeFiles(directory, { 'raw.txt': 'tokens\n' });
    const { remote } = await countingRemote(join(root, 'changed-remote'));
    await run(line(directory), ['evaluate'], remote);
    const pipeline = line(directory, '2');
    const plan = await planPipeline(pipeline, pipelineGraph(pipeline, ['evaluate']), contextOf(remote), await SkipState.read(directory));
    assert.deepEqual(plan.steps.map((step) => [step.name, step.status]), [['prepare', 'skip'], ['train', 'run'], ['evaluate', 'pending']]);
    assert.equal(plan.steps[2]!.key, null);
    assert.match(plan.steps[1]!.reason, /line 1 of the command changed/);
    assert.match(plan.steps[2]!.reason, /waits for train/);
    assert.deepEqual(plan.waves, [['train'], ['evaluate']]);
  });

  test('the key of a step is the engine key of the same step', async () => {
    const directory = join(root, 'same-key');
    await writeFiles(directory, { 'raw.txt': 'tokens\n', 'corpus/train.txt': 'a\n', 'corpus/dev.txt': 'b\n' });
    const pipeline = line(directory);
    const train = pipeline.commands[1]!;
    const engine = await prepareStep(stepDefinitionOf(pipeline, { ...train, env: ['HOME'], keyExtra: 'x' }));
    const ours = await keyStep(pipeline, { ...train, env: ['HOME'], keyExtra: 'x' }, process.env, new Map());
    assert.equal(ours.key, engine.key);
  });
});
