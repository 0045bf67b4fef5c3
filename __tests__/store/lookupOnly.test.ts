import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { planExplicitScope } from '../../src/core/scope.js';
import { executeStep } from '../../src/engine/executeStep.js';
import { FileRemote } from '../../src/remote/fileRemote.js';
import { type StepDefinition } from '../../src/engine/stepDefinition.js';
import { lookupOnly } from '../remote/lookupOnlyRemote.js';
import { defineRemoteContract } from '../remote/remoteContract.js';
import { listFilePaths, makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';

let root: string;
let caseCount = 0;

beforeAll(async () => {
  root = await makeTemporaryDirectory('lookup-only');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('a backend with only the required operations and a lookup', () => {
  defineRemoteContract(() => lookupOnly(new FileRemote(join(root, `contract-${++caseCount}`))));

  test('saves, restores byte for byte and saves again in one request, with no listing, ranges or replacing', async () => {
    const workspace = join(root, 'workspace');
    await writeFiles(workspace, { 'input.txt': 'in\n' });
    const remoteRoot = join(root, 'remote');
    const definition: StepDefinition = { workingDirectory: workspace, command: ['mkdir -p out && cp input.txt out/copy.txt && head -c 70000000 /dev/urandom > out/large.bin'], deps: ['input.txt'], outputs: ['out'], env: [], keyExtra: '' };
    const context = { remote: lookupOnly(new FileRemote(remoteRoot)), scope: planExplicitScope('local', 'tests'), concurrency: 4, failOnCacheError: false, environment: process.env };
    const saved = await executeStep(definition, context, 'auto');
    assert.equal(saved.outputs[0]!.status, 'saved');
    const large = await readFile(join(workspace, 'out', 'large.bin'));
    await rm(join(workspace, 'out'), { recursive: true });
    const restored = await executeStep(definition, context, 'auto');
    assert.equal(restored.status, 'hit', restored.reason);
    assert.ok((await readFile(join(workspace, 'out', 'large.bin'))).equals(large), 'the large blob, read in ranges through plain reads, is byte for byte');
    assert.equal(await readFile(join(workspace, 'out', 'copy.txt'), 'utf8'), 'in\n');
  });

  test('a damaged object cannot be replaced: the restore stays a miss naming it, and nothing is half written', async () => {
    const workspace = join(root, 'damaged');
    await writeFiles(workspace, { 'input.txt': 'in\n' });
    const remoteRoot = join(root, 'damaged-remote');
    const definition: StepDefinition = { workingDirectory: workspace, command: ['mkdir -p out && echo made > out/a.txt'], deps: ['input.txt'], outputs: ['out'], env: [], keyExtra: '' };
    const context = { remote: lookupOnly(new FileRemote(remoteRoot)), scope: planExplicitScope('local', 'tests'), concurrency: 4, failOnCacheError: false, environment: process.env };
    await executeStep(definition, context, 'auto');
    const [pack] = (await listFilePaths(remoteRoot)).filter((path) => path.includes('/packs/'));
    await writeFile(join(remoteRoot, pack!), 'flipped');
    await rm(join(workspace, 'out'), { recursive: true });
    const refused = await executeStep(definition, context, 'auto');
    assert.equal(refused.status, 'miss');
    assert.match(refused.reason, /could not be restored/);
    assert.deepEqual(refused.damaged_objects, [pack]);
    assert.equal(await readFile(join(workspace, 'out', 'a.txt'), 'utf8'), 'made\n', 'the command ran instead');
  });
});
