import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { planExplicitScope } from '../../src/core/scope.js';
import { executeStep } from '../../src/engine/executeStep.js';
import { openRemote } from '../../src/remote/openRemote.js';
import { type ListedObject, type Remote } from '../../src/remote/remote.js';
import { outputPrefix } from '../../src/store/layout.js';
import { findPreviousLocations } from '../../src/store/previousLocations.js';
import { maximumManifestBytes, readManifest } from '../../src/store/readManifest.js';
import { makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import { CountingRemote } from './countingRemote.js';
import { requiredOperations } from '../helpers/requiredOperations.js';

/** A real remote, counted, whose listings claim every object is larger than any manifest may be. */
function oversizedListing(inner: Remote): CountingRemote {
  const listing: Remote = {
    ...requiredOperations(inner),
    list: async (prefix) => (await inner.list!(prefix)).map((object) => ({ ...object, size: maximumManifestBytes + 1 })),
  };
  return new CountingRemote(listing);
}

let root: string;
let remote: Remote;
let saved: ListedObject;

beforeAll(async () => {
  root = await makeTemporaryDirectory('read-manifest');
  const workspace = join(root, 'workspace');
  await writeFiles(workspace, { 'data/a.txt': 'alpha\n', 'data/b.txt': 'beta\n' });
  remote = await openRemote(join(root, 'remote'), root);
  const context = { remote, scope: planExplicitScope('local', 'tests'), concurrency: 4, failOnCacheError: false, environment: process.env };
  const report = await executeStep({ workingDirectory: workspace, command: ['true'], deps: [], outputs: ['data'], env: [], keyExtra: '' }, context, 'auto');
  assert.equal(report.outputs[0]!.status, 'saved');
  [saved] = await remote.list!(outputPrefix('data'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function expectation(object: ListedObject): { output: string; key: string; scope: string; tree: string } {
  const [key, scope, name] = object.key.slice(outputPrefix('data').length).split('/');
  return { output: 'data', key: key!, scope: scope!, tree: name!.replace(/\.json$/, '') };
}

describe('readManifest', () => {
  test('reads and checks a listed manifest', async () => {
    const reading = await readManifest(remote, saved, expectation(saved));
    assert.ok('manifest' in reading);
    assert.deepEqual(reading.manifest.files.map((file) => file.path), ['a.txt', 'b.txt']);
  });

  test('refuses a manifest listed larger than the cap without reading it', async () => {
    const counting = new CountingRemote(remote);
    const reading = await readManifest(counting, { ...saved, size: maximumManifestBytes + 1 }, expectation(saved));
    assert.ok('unusable' in reading);
    assert.match(reading.unusable, /unusable: it is \d+ bytes, more than the 67108864 a manifest may have/);
    assert.equal(counting.counts.read, 0);
  });

  test('refuses a manifest whose name is not its tree hash', async () => {
    const reading = await readManifest(remote, saved, { ...expectation(saved), tree: 'f'.repeat(64) });
    assert.ok('unusable' in reading);
    assert.match(reading.unusable, /its name does not match its tree hash/);
  });

  test('a save reuses nothing from a manifest listed larger than the cap, and does not read it', async () => {
    const scopes = ['local'];
    assert.equal((await findPreviousLocations(remote, 'data', scopes, new Set(), 4)).size, 2);
    const oversized = oversizedListing(remote);
    assert.equal((await findPreviousLocations(oversized, 'data', scopes, new Set(), 4)).size, 0);
    assert.equal(oversized.counts.read, 0);
  });
});
