import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { planExplicitScope } from '../../src/core/scope.js';
import { executeStep } from '../../src/engine/executeStep.js';
import { type StepContext } from '../../src/engine/stepContext.js';
import { type StepDefinition } from '../../src/engine/stepDefinition.js';
import { FileRemote } from '../../src/remote/fileRemote.js';
import { openRemote } from '../../src/remote/openRemote.js';
import { firstObjectsUnder, type Remote, type WriteSource } from '../../src/remote/remote.js';
import { withOutageBreaker } from '../../src/remote/outageBreaker.js';
import { indexEntryKey, indexPrefix, manifestKey } from '../../src/store/layout.js';
import { findNearestManifest } from '../../src/store/newestManifest.js';
import { indexedSaves, writeIndexEntry } from '../../src/store/resultIndex.js';
import { s3rverCredentials, type S3Server } from '../helpers/s3Server.js';
import { useS3Server } from '../helpers/useS3Server.js';
import { makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import { CountingRemote } from './countingRemote.js';

Object.assign(process.env, s3rverCredentials);

const hash = (character: string): string => character.repeat(64);
let root: string;
let cases = 0;

beforeAll(async () => {
  root = await makeTemporaryDirectory('result-index');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function context(remote: Remote, scope = 'local'): StepContext {
  return { remote, scope: planExplicitScope(scope, 'tests'), concurrency: 4, failOnCacheError: false, environment: { ...process.env } };
}

async function step(): Promise<StepDefinition> {
  const workspace = join(root, `step-${++cases}`);
  await writeFiles(workspace, { 'in.txt': 'input\n' });
  return { workingDirectory: workspace, command: ['cp in.txt out.txt'], deps: ['in.txt'], outputs: ['out.txt'], env: [], keyExtra: '' };
}

/** Records the order of writes, to see the index entry come after its manifest. */
class WriteOrder extends CountingRemote {
  readonly written: string[] = [];

  override async writeIfAbsent(key: string, source: WriteSource, contentAddressed?: boolean): Promise<boolean> {
    const wrote = await super.writeIfAbsent(key, source, contentAddressed);
    if (wrote) this.written.push(key);
    return wrote;
  }
}

/** A remote as a stoat from before the index saw it: every write but the index's. */
class WithoutIndex extends CountingRemote {
  override async writeIfAbsent(key: string, source: WriteSource, contentAddressed?: boolean): Promise<boolean> {
    return key.includes('/index/') ? false : super.writeIfAbsent(key, source, contentAddressed);
  }
}

function defineIndexCases(kind: string, openFresh: () => Promise<Remote>): void {
  describe(kind, () => {
    test('the first objects of a prefix come in key order, in one request', async () => {
      const remote = new CountingRemote(await openFresh());
      for (const key of ['p/b', 'p/a/y', 'p/a/x', 'p/c', 'q/a']) await remote.writeIfAbsent(key, { bytes: Buffer.from(key) });
      remote.reset();
      assert.deepEqual((await firstObjectsUnder(remote, 'p/', 3)).map((object) => object.key), ['p/a/x', 'p/a/y', 'p/b']);
      assert.deepEqual((await firstObjectsUnder(remote, 'p/', 10)).map((object) => object.key), ['p/a/x', 'p/a/y', 'p/b', 'p/c']);
      assert.deepEqual(await firstObjectsUnder(remote, 'none/', 3), []);
      assert.equal(remote.counts.list, 3);
      // The breaker at the remote's boundary keeps the capability.
      assert.equal(withOutageBreaker(remote).listFirst !== undefined, remote.listFirst !== undefined);
    });

    test('a save adds its entry to the index after its manifest, named by its time, key and tree', async () => {
      const remote = new WriteOrder(await openFresh());
      const saved = await executeStep(await step(), context(remote), 'auto');
      const tree = saved.outputs[0]!.tree!;
      const manifest = remote.written.indexOf(manifestKey('out.txt', saved.key, 'local', tree));
      const entries = remote.written.filter((key) => key.startsWith(indexPrefix('out.txt', 'local')));
      assert.equal(entries.length, 1);
      assert.ok(manifest !== -1 && remote.written.indexOf(entries[0]!) > manifest, `written in order: ${remote.written.join(', ')}`);
      const [indexed] = await indexedSaves(remote, 'out.txt', ['local']);
      assert.deepEqual({ ...indexed, created: undefined }, { output: 'out.txt', scope: 'local', key: saved.key, tree, created: undefined });
      assert.ok(Math.abs(indexed!.created - Date.now()) < 60_000);
    });

    test('the index gives the newest saves first, own scope before trusted, and passes over other names and far-future times', async () => {
      const remote = await openFresh();
      const day = 24 * 60 * 60 * 1000;
      const now = Date.now();
      for (const [scope, created, tree] of [['trusted', now - 3 * day, 'a'], ['trusted', now - day, 'b'], ['local', now - 2 * day, 'c'], ['trusted', now + 30 * day, 'd']] as const) {
        await writeIndexEntry(remote, { output: 'model', scope, key: hash('1'), tree: hash(tree), created });
      }
      await remote.writeIfAbsent(`${indexPrefix('model', 'trusted')}0000000000000-not-an-entry`, { bytes: Buffer.alloc(0) });
      const saves = await indexedSaves(remote, 'model', ['local', 'trusted']);
      assert.deepEqual(saves.map((save) => [save.scope, save.tree[0]]), [['local', 'c'], ['trusted', 'b'], ['trusted', 'a']]);
    });

    test('the nearest manifest is found through the index in one listing per scope and one read', async () => {
      const inner = await openFresh();
      const definition = await step();
      const saved = await executeStep(definition, context(inner, 'trusted'), 'auto');
      const remote = new CountingRemote(inner);
      const found = await findNearestManifest(remote, 'out.txt', ['pr-1', 'trusted']);
      assert.equal(found?.manifest.key, saved.key);
      assert.deepEqual(remote.counts, { list: 2, exists: 0, read: 1, write: 0 });
    });

    test('an entry whose manifest is gone (pruned) is passed over for the next', async () => {
      const remote = await openFresh();
      const saved = await executeStep(await step(), context(remote), 'auto');
      await writeIndexEntry(remote, { output: 'out.txt', scope: 'local', key: hash('2'), tree: hash('3'), created: Date.now() + 1000 });
      assert.equal((await indexedSaves(remote, 'out.txt', ['local']))[0]!.key, hash('2'));
      assert.equal((await findNearestManifest(remote, 'out.txt', ['local', 'trusted']))?.manifest.key, saved.key);
    });

    test('a remote saved to before the index existed is listed instead; one with nothing saved gives nothing', async () => {
      const inner = await openFresh();
      const saved = await executeStep(await step(), context(new WithoutIndex(inner)), 'auto');
      assert.deepEqual(await indexedSaves(inner, 'out.txt', ['local']), []);
      const remote = new CountingRemote(inner);
      assert.equal((await findNearestManifest(remote, 'out.txt', ['local', 'trusted']))?.manifest.key, saved.key);
      assert.deepEqual(remote.counts, { list: 3, exists: 0, read: 1, write: 0 });
      assert.equal(await findNearestManifest(await openFresh(), 'out.txt', ['local']), undefined);
    });
  });
}

defineIndexCases('on a directory remote', async () => new FileRemote(join(root, `remote-${++cases}`)));

describe('on S3 (s3rver)', () => {
  let server: S3Server;
  useS3Server((started) => {
    server = started;
  });
  defineIndexCases('S3', async () => openRemote(`s3://${server.bucket}/index-${++cases}`, root, { endpoint: server.endpoint, forcePathStyle: true }));
});

test('index keys sort newest first and read back the time they were written with', () => {
  const older = indexEntryKey('model', 'trusted', 1_700_000_000_000, hash('1'), hash('2'));
  const newer = indexEntryKey('model', 'trusted', 1_800_000_000_000, hash('1'), hash('2'));
  assert.ok(newer < older, `${newer} sorts before ${older}`);
  assert.match(newer, /^stoat\/v1\/outputs\/model\/index\/trusted\/\d{13}-1{64}-2{64}$/);
});

test('a directory remote lists a folder where its keys sort: "a-z" before "a/x", as S3 orders keys', async () => {
  const remote = new FileRemote(join(root, 'key-order'));
  for (const key of ['p/a/x', 'p/a-z', 'p/a0']) await remote.writeIfAbsent(key, { bytes: Buffer.from(key) });
  assert.deepEqual((await remote.listFirst('p/', 3)).map((object) => object.key), ['p/a-z', 'p/a/x', 'p/a0']);
});

test('a legacy-looking file next to the entries is not an object of the index', async () => {
  const remote = new FileRemote(join(root, 'hidden'));
  await writeIndexEntry(remote, { output: 'o', scope: 's', key: hash('1'), tree: hash('2'), created: 5 });
  await writeFile(join(remote.locate(indexPrefix('o', 's')), '.partial'), '');
  assert.equal((await indexedSaves(remote, 'o', ['s'])).length, 1);
});
