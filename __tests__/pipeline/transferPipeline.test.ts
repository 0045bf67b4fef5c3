import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { SkipState, stateFile } from '../../src/pipeline/skipState.js';
import { pullPipeline, pushPipeline } from '../../src/pipeline/transferPipeline.js';
import { makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import { command, contextOf, countingRemote, project, removeAll, run, statuses } from './pipelineFixture.js';

let root: string;

beforeAll(async () => {
  root = await makeTemporaryDirectory('pipeline-transfer');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The consumer comes first in the file, so one pass in file order cannot restore it. */
function backwards(directory: string) {
  return project(directory, [
    command('second', { script: ["sh -c 'tr a-z A-Z < made/first.txt > second.txt'"], deps: ['made/first.txt'], outputs: ['second.txt'] }),
    command('first', { script: ["sh -c 'mkdir -p made; cp seed.txt made/first.txt'"], deps: ['seed.txt'], outputs: ['made/first.txt'] }),
    command('report', { script: ["sh -c 'cat second.txt > report.txt'"], deps: ['second.txt'], outputsNoCache: ['report.txt'] }),
  ]);
}

async function settings(directory: string, remoteFolder: string) {
  const { remote } = await countingRemote(remoteFolder);
  return { project: backwards(directory), context: contextOf(remote), state: await SkipState.read(directory), policy: 'auto' as const };
}

describe('stoat push and stoat pull', () => {
  test('push saves what a run made elsewhere; pull brings a chain back whatever the file order', async () => {
    const made = join(root, 'made-here');
    await writeFiles(made, { 'seed.txt': 'seed\n' });
    const { remote } = await countingRemote(join(root, 'unused-remote'));
    await run(backwards(made), ['second'], remote);
    // Pushed to another remote, as after a run without one.
    const pushed = await pushPipeline(backwards(made).commands, await settings(made, join(root, 'shared-remote')));
    assert.deepEqual(pushed.map((outcome) => [outcome.name, outcome.status]), [['second', 'saved'], ['first', 'saved'], ['report', 'skipped']]);
    const again = await pushPipeline(backwards(made).commands, await settings(made, join(root, 'shared-remote')));
    assert.deepEqual(again.map((outcome) => outcome.status), ['already-saved', 'already-saved', 'skipped']);

    const fresh = join(root, 'fresh-checkout');
    await writeFiles(fresh, { 'seed.txt': 'seed\n' });
    const pulled = await pullPipeline(backwards(fresh).commands, await settings(fresh, join(root, 'shared-remote')));
    assert.deepEqual(pulled.map((outcome) => [outcome.name, outcome.status]), [['second', 'restored'], ['first', 'restored'], ['report', 'skipped']]);
    assert.equal(await readFile(join(fresh, 'second.txt'), 'utf8'), 'SEED\n');
    const state = await SkipState.read(fresh);
    assert.ok(state.get('second') !== undefined && state.get('first') !== undefined);
  });

  test('push leaves alone outputs made from other deps than the ones on disk', async () => {
    const directory = join(root, 'stale');
    await writeFiles(directory, { 'seed.txt': 'seed\n' });
    const { remote } = await countingRemote(join(root, 'stale-remote'));
    assert.deepEqual(statuses((await run(backwards(directory), ['first'], remote)).outcomes), { first: 'ran' });
    await writeFile(join(directory, 'seed.txt'), 'changed\n');
    const pushed = await pushPipeline([backwards(directory).commands[1]!], await settings(directory, join(root, 'stale-push')));
    assert.deepEqual(pushed.map((outcome) => outcome.status), ['skipped']);
    assert.match(pushed[0]!.reason, /made from other deps or changed since/);
    // Without a record (outputs made outside stoat), push trusts the deps on disk, as Weasel's does.
    await removeAll(stateFile(directory));
    const trusted = await pushPipeline([backwards(directory).commands[1]!], await settings(directory, join(root, 'stale-push')));
    assert.deepEqual(trusted.map((outcome) => outcome.status), ['saved']);
  });
});
