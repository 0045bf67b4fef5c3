import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import { command, countingRemote, project, removeAll, run, statuses } from './pipelineFixture.js';

let root: string;

beforeAll(async () => {
  root = await makeTemporaryDirectory('pipeline-run');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** prepare -> {left, right} -> join: each step appends its name to runs.log, which no step declares. */
function chain(directory: string, joinLine = 'cat data/left.txt data/right.txt') {
  const write = (name: string, text: string) => ['sh', '-c', `echo ${name} >> runs.log; ${text}`].map((word) => `'${word}'`).join(' ');
  return project(directory, [
    command('prepare', { script: ['mkdir -p data', write('prepare', 'echo raw > data/raw.txt')], deps: ['input.txt'], outputs: ['data/raw.txt'] }),
    command('left', { script: [write('left', 'tr a-z A-Z < data/raw.txt > data/left.txt')], deps: ['data/raw.txt'], outputs: ['data/left.txt'] }),
    command('right', { script: [write('right', 'rev data/raw.txt > data/right.txt')], deps: ['data/raw.txt'], outputs: ['data/right.txt'] }),
    command('join', { script: [write('join', `${joinLine} > joined.txt; echo joined`)], deps: ['data/left.txt', 'data/right.txt'], outputs: ['joined.txt'] }),
  ], { all: ['prepare', 'left', 'right', 'join'] });
}

async function runs(directory: string): Promise<string[]> {
  const text = await readFile(join(directory, 'runs.log'), 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '').sort();
}

describe('stoat run over a project', () => {
  test('runs everything, then skips everything without a call to the remote, restores deleted outputs, and re-runs only what an edit reaches', async () => {
    const directory = join(root, 'chain');
    await writeFiles(directory, { 'input.txt': 'x\n' });
    const { remote, calls } = await countingRemote(join(root, 'chain-remote'));
    const first = await run(chain(directory), ['all'], remote);
    assert.deepEqual(statuses(first.outcomes), { prepare: 'ran', left: 'ran', right: 'ran', join: 'ran' });
    assert.ok(first.lines.includes('[join] joined'), first.lines.join('\n'));
    assert.equal(await readFile(join(directory, 'joined.txt'), 'utf8'), 'RAW\nwar\n');

    const before = calls();
    const second = await run(chain(directory), ['all'], remote);
    assert.deepEqual(statuses(second.outcomes), { prepare: 'skipped', left: 'skipped', right: 'skipped', join: 'skipped' });
    assert.ok(second.outcomes.every((outcome) => outcome.reason === 'outputs present and current'));
    assert.equal(calls(), before, 'an unchanged project must not touch the remote');

    await removeAll(join(directory, 'data'), join(directory, 'joined.txt'), join(directory, 'runs.log'));
    const third = await run(chain(directory), ['all'], remote);
    assert.deepEqual(statuses(third.outcomes), { prepare: 'restored', left: 'restored', right: 'restored', join: 'restored' });
    assert.deepEqual(await runs(directory), []);
    assert.equal(await readFile(join(directory, 'joined.txt'), 'utf8'), 'RAW\nwar\n');

    const fourth = await run(chain(directory, 'cat data/right.txt data/left.txt'), ['all'], remote);
    assert.deepEqual(statuses(fourth.outcomes), { prepare: 'skipped', left: 'skipped', right: 'skipped', join: 'ran' });
    assert.match(fourth.outcomes[3]!.reason, /line 1 of the command changed/);
    assert.deepEqual(await runs(directory), ['join']);
  });

  test('an edited input re-runs its step, and a downstream step whose deps came out the same is skipped', async () => {
    const directory = join(root, 'cutoff');
    await writeFiles(directory, { 'input.txt': 'x\n' });
    const { remote } = await countingRemote(join(root, 'cutoff-remote'));
    await run(chain(directory), ['all'], remote);
    await rm(join(directory, 'runs.log'));
    // prepare ignores its input's content, so what it writes is the same as before.
    await writeFile(join(directory, 'input.txt'), 'y\n');
    const again = await run(chain(directory), ['all'], remote);
    assert.deepEqual(statuses(again.outcomes), { prepare: 'ran', left: 'skipped', right: 'skipped', join: 'skipped' });
    assert.match(again.outcomes[0]!.reason, /input\.txt/);
  });

  test('--step runs only the steps named: upstream is restored, and one with no saved result, or one that cannot be restored, is not run in its place', async () => {
    const store = join(root, 'only-remote');
    const { remote } = await countingRemote(store);
    const saved = join(root, 'only-saved');
    await writeFiles(saved, { 'input.txt': 'x\n' });
    assert.deepEqual(statuses((await run(chain(saved), ['prepare'], remote)).outcomes), { prepare: 'ran' });

    const leg = join(root, 'only-leg');
    await writeFiles(leg, { 'input.txt': 'x\n' });
    const ran = await run(chain(leg), ['left'], remote, { only: ['left'] });
    assert.deepEqual(statuses(ran.outcomes), { prepare: 'restored', left: 'ran' });
    assert.deepEqual(await runs(leg), ['left']);

    const { remote: empty } = await countingRemote(join(root, 'only-empty-remote'));
    const orphan = join(root, 'only-orphan');
    await writeFiles(orphan, { 'input.txt': 'x\n' });
    const none = await run(chain(orphan), ['left'], empty, { only: ['left'] });
    assert.deepEqual(statuses(none.outcomes), { prepare: 'not-run', left: 'not-run' });
    assert.match(none.outcomes[0]!.reason, /no saved result/);
    assert.deepEqual(await runs(orphan), [], 'nothing ran');

    // The saved objects of prepare go missing (evicted, deleted): its manifest is there, its content is not.
    const damagedStore = join(root, 'only-damaged-remote');
    const { remote: damagedRemote } = await countingRemote(damagedStore);
    const savedAgain = join(root, 'only-saved-again');
    await writeFiles(savedAgain, { 'input.txt': 'x\n' });
    await run(chain(savedAgain), ['prepare'], damagedRemote);
    await rm(join(damagedStore, 'stoat', 'v1', 'blobs'), { recursive: true, force: true });
    await rm(join(damagedStore, 'stoat', 'v1', 'packs'), { recursive: true, force: true });
    const damaged = join(root, 'only-damaged');
    await writeFiles(damaged, { 'input.txt': 'x\n' });
    const broken = await run(chain(damaged), ['left'], damagedRemote, { only: ['left'] });
    assert.deepEqual(statuses(broken.outcomes), { prepare: 'not-run', left: 'not-run' });
    assert.match(broken.outcomes[0]!.reason, /could not be restored/);
    assert.deepEqual(await runs(damaged), [], 'nothing ran in place of the step it could not restore');
  });

  test('a failing step stops what depends on it, the independent steps finish', async () => {
    const directory = join(root, 'failing');
    await writeFiles(directory, { 'input.txt': 'x\n' });
    const pipeline = chain(directory);
    pipeline.commands[1] = command('left', { script: ['sh -c "exit 3"'], deps: ['data/raw.txt'], outputs: ['data/left.txt'] });
    const { remote } = await countingRemote(join(root, 'failing-remote'));
    const { outcomes } = await run(pipeline, ['all'], remote);
    assert.deepEqual(statuses(outcomes), { prepare: 'ran', left: 'failed', right: 'ran', join: 'not-run' });
    assert.match(outcomes[1]!.reason, /exit code 3/);
    assert.match(outcomes[3]!.reason, /left/);
  });

  test('a missing dep fails its step with a word on assets; no_skip always runs; a step with only uncached outputs runs when its key changes', async () => {
    const directory = join(root, 'kinds');
    await writeFiles(directory, { 'input.txt': 'x\n' });
    const pipeline = (extra: string) =>
      project(directory, [
        command('needs-asset', { script: ['touch never.txt'], deps: ['assets/corpus.jsonl'], outputs: ['never.txt'] }),
        command('always', { script: ['sh -c "echo always >> runs.log; touch always.txt"'], outputs: ['always.txt'], noSkip: true }),
        command('report', { script: [`sh -c "echo report >> runs.log; echo ${extra} > report.txt"`], deps: ['input.txt'], outputsNoCache: ['report.txt'] }),
      ]);
    const { remote } = await countingRemote(join(root, 'kinds-remote'));
    const first = await run(pipeline('a'), ['needs-asset', 'always', 'report'], remote);
    assert.equal(statuses(first.outcomes)['needs-asset'], 'failed');
    assert.match(first.outcomes[0]!.reason, /assets\/corpus\.jsonl.*asset/);
    await rm(join(directory, 'runs.log'));
    const second = await run(pipeline('a'), ['always', 'report'], remote);
    assert.deepEqual(statuses(second.outcomes), { always: 'ran', report: 'skipped' });
    const third = await run(pipeline('b'), ['report'], remote);
    assert.deepEqual(statuses(third.outcomes), { report: 'ran' });
    assert.deepEqual(await runs(directory), ['always', 'report']);
  });
});

describe('steps that write the same path', () => {
  test('never run at once: the later one in the file writes last, as under Weasel', async () => {
    const directory = join(root, 'same-path');
    await mkdir(directory);
    const pipeline = project(directory, [
      command('slow', { script: ["sh -c 'sleep 0.5; echo slow > shared.txt'"], outputs: ['shared.txt'] }),
      command('fast', { script: ["sh -c 'echo fast > shared.txt'"], outputs: ['shared.txt'] }),
    ]);
    const { remote } = await countingRemote(join(root, 'same-path-remote'));
    const { outcomes } = await run(pipeline, ['slow', 'fast'], remote, { jobs: 4 });
    assert.deepEqual(statuses(outcomes), { slow: 'ran', fast: 'ran' }, outcomes.map((outcome) => outcome.reason).join('\n'));
    assert.equal(await readFile(join(directory, 'shared.txt'), 'utf8'), 'fast\n');
  });
});

describe('a command that rewrites its deps in place', () => {
  test('is skipped after it ran, and on a clean checkout restored, without a warning that it never hits', async () => {
    const directory = join(root, 'in-place');
    await writeFiles(directory, { 'data.txt': 'raw\n' });
    const pipeline = project(directory, [command('normalize', { script: ["sh -c 'echo normalized >> data.txt; echo normalize >> runs.log'"], deps: ['data.txt'], outputs: ['data.txt'] })]);
    const { remote } = await countingRemote(join(root, 'in-place-remote'));
    assert.deepEqual(statuses((await run(pipeline, ['normalize'], remote)).outcomes), { normalize: 'ran' });
    assert.deepEqual(statuses((await run(pipeline, ['normalize'], remote)).outcomes), { normalize: 'skipped' });
    // A clean checkout: the raw data again, no state.
    await writeFiles(directory, { 'data.txt': 'raw\n' });
    await removeAll(join(directory, '.stoat'));
    const restored = await run(pipeline, ['normalize'], remote);
    assert.deepEqual(statuses(restored.outcomes), { normalize: 'restored' });
    assert.deepEqual(restored.outcomes[0]!.warnings.filter((warning) => /never hits/.test(warning)), []);
    assert.equal(await readFile(join(directory, 'data.txt'), 'utf8'), 'raw\nnormalized\n');
    assert.deepEqual(statuses((await run(pipeline, ['normalize'], remote)).outcomes), { normalize: 'skipped' });
    assert.deepEqual(await runs(directory), ['normalize']);
  });
});
