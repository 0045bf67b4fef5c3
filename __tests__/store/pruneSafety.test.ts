import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from '@jest/globals';
import { UsageError } from '../../src/core/errors.js';
import { type PruneRules } from '../../src/core/pruneRules.js';
import { type PruneOutcome } from '../../src/core/storeReport.js';
import { pruneOpenedStore } from '../../src/engine/storeMaintenance.js';
import { type Remote } from '../../src/remote/remote.js';
import { layoutRoot } from '../../src/store/layout.js';
import { pruneStore } from '../../src/store/pruneStore.js';
import { lookupOnly } from '../remote/lookupOnlyRemote.js';
import { fileBench, hours, type StoreBench, useStoreBenches, writeOrphan, writeResult } from './storeFixture.js';
import { requiredOperations } from '../helpers/requiredOperations.js';

const { kinds, root } = useStoreBenches('safety');

function prune(remote: Remote, given: Partial<PruneRules>, dryRun = false): Promise<PruneOutcome> {
  return pruneStore({ remote, rules: { scopes: [], outputs: [], graceMs: hours, ...given }, dryRun, concurrency: 4 });
}

function present(bench: StoreBench, keys: readonly string[]): Promise<boolean[]> {
  return Promise.all(keys.map((key) => bench.remote.exists(key)));
}

/** The remote, with `before` run once just before its first delete: after the prune marked, before it sweeps. */
function beforeFirstDelete(remote: Remote, before: () => Promise<void>): Remote {
  let pending = true;
  return {
    display: remote.display,
    exists: (key) => remote.exists(key),
    read: (key, range) => remote.read(key, range),
    writeIfAbsent: (key, source, contentAddressed) => remote.writeIfAbsent(key, source, contentAddressed),
    locate: (key) => remote.locate(key),
    list: (prefix) => remote.list!(prefix),
    async delete(keys) {
      if (pending) {
        pending = false;
        await before();
      }
      return remote.delete!(keys);
    },
  };
}

describe.each(kinds)('prune beside saves, and with damage, on a %s remote', (_, open) => {
  test('a manifest that appears after marking keeps the old objects it uses', async () => {
    const bench = await open();
    await writeResult(bench, { output: 'model', scope: 'ci', createdHoursAgo: 5, files: { 'a.txt': 'first' } });
    await writeResult(bench, { output: 'model', scope: 'ci', createdHoursAgo: 3, files: { 'a.txt': 'second' } });
    const reused = await writeOrphan(bench, 'bytes an interrupted save left, which the next save finds and uses', 4);
    assert.equal((await prune(bench.remote, { keepLast: 1 }, true)).deleted.objects, 1, 'unused and old: it would go');
    let appeared = '';
    const hooked = beforeFirstDelete(bench.remote, async () => {
      // A save that found the object there and pointed at it, committing while the prune runs.
      appeared = (await writeResult(bench, { output: 'model', scope: 'ci', createdHoursAgo: 0, files: { 'b.txt': 'bytes an interrupted save left, which the next save finds and uses' } })).manifest;
    });
    const outcome = await prune(hooked, { keepLast: 1 });
    assert.equal(outcome.removed.length, 1);
    assert.ok(appeared !== '');
    assert.deepEqual(await present(bench, [appeared, reused]), [true, true]);
    assert.equal(outcome.deleted.objects, 0);
    assert.deepEqual(outcome.lost, []);
  });

  test('damaged and missing objects, unusable manifests and unknown keys are reported and left alone', async () => {
    const bench = await open();
    const damaged = await writeResult(bench, { output: 'model', scope: 'ci', createdHoursAgo: 9, files: { 'weights.bin': 'the right weights' } });
    const broken = await writeResult(bench, { output: 'model', scope: 'ci', createdHoursAgo: 8, files: { 'other.bin': 'bytes that go missing' } });
    await writeResult(bench, { output: 'model', scope: 'ci', createdHoursAgo: 7, files: { 'newest.bin': 'the newest' } });
    // Damage: a blob cut short, a blob deleted by hand.
    await bench.remote.replace!(damaged.objects[0]!, { bytes: Buffer.from('cut') });
    await bench.age(damaged.objects[0]!, 9 * hours);
    await bench.remote.delete!([broken.objects[0]!]);
    // A manifest no restore accepts (its tree hash is wrong) that names an object nothing else uses.
    const named = await writeOrphan(bench, 'named only by an unusable manifest', 6);
    const unusable = `${layoutRoot}/outputs/model/${'a'.repeat(64)}/ci/${'b'.repeat(64)}.json`;
    const text = { stoat: 1, output: 'model', kind: 'dir', key: 'a'.repeat(64), scope: 'ci', tree: 'b'.repeat(64), files: [{ path: 'x', size: 34, sha256: named.split('/').pop(), mode: 420, blob: named.split('/').pop() }], provenance: { created: new Date().toISOString() } };
    await bench.remote.writeIfAbsent(unusable, { bytes: Buffer.from(JSON.stringify(text)) });
    await bench.age(unusable, 6 * hours);
    const stray = `${layoutRoot}/blobs/zz/not-a-hash`;
    await bench.remote.writeIfAbsent(stray, { bytes: Buffer.from('someone else put this here') });
    await bench.age(stray, 6 * hours);

    const outcome = await prune(bench.remote, { olderThanMs: 0, graceMs: 0 });
    assert.equal(outcome.removed.length, 3, 'the three usable results');
    const problems = outcome.problems;
    assert.deepEqual(problems.damaged_objects.map((entry) => [entry.object, entry.size, entry.expected]), [[bench.remote.locate(damaged.objects[0]!), 3, '17 bytes']]);
    assert.deepEqual(problems.missing_objects.map((entry) => [entry.object, entry.results]), [[bench.remote.locate(broken.objects[0]!), 1]]);
    assert.equal(problems.unusable_manifests.length, 1);
    assert.match(problems.unusable_manifests[0]!.reason, /tree hash/);
    assert.deepEqual(problems.unknown_keys, [bench.remote.locate(stray)]);
    assert.deepEqual(await present(bench, [damaged.objects[0]!, unusable, named, stray]), [true, true, true, true]);
  });

  test('index entries go with their results, and stale ones once older than the grace period', async () => {
    const bench = await open();
    const old = await writeResult(bench, { output: 'model', scope: 'ci', createdHoursAgo: 9, files: { 'a.txt': 'one' } });
    const kept = await writeResult(bench, { output: 'model', scope: 'ci', createdHoursAgo: 2, files: { 'a.txt': 'two' } });
    const orphaned = await writeResult(bench, { output: 'model', scope: 'pr-9', createdHoursAgo: 8, files: { 'a.txt': 'three' } });
    await bench.remote.delete!([orphaned.manifest]);
    const outcome = await prune(bench.remote, { keepLast: 1 });
    assert.equal(outcome.removed.length, 1);
    assert.deepEqual(await present(bench, [old.manifest, old.entry, kept.manifest, kept.entry, orphaned.entry]), [false, false, true, true, false]);
  });
});

test('a remote that cannot list cannot be pruned, and says why', async () => {
  const bench = await fileBench(join(root(), 'lookup-only'));
  await assert.rejects(prune(lookupOnly(bench.remote), { keepLast: 1 }), (error: Error) => {
    assert.ok(error instanceof UsageError);
    assert.match(error.message, /cannot list what it holds, so stoat can neither measure nor prune it.*evicts entries by itself.*7 days/);
    return true;
  });
});

test('a remote that lists but cannot delete gets a dry run, and a note that says so', async () => {
  const bench = await fileBench(join(root(), 'no-delete'));
  const old = await writeResult(bench, { output: 'model', scope: 'ci', createdHoursAgo: 9, files: { 'a.txt': 'one' } });
  await writeResult(bench, { output: 'model', scope: 'ci', createdHoursAgo: 2, files: { 'a.txt': 'two' } });
  const inner = bench.remote;
  // A service that shows what it holds but evicts by itself: a listing, no delete.
  const remote: Remote = {
    ...requiredOperations(inner),
    list: (prefix) => inner.list!(prefix),
  };
  const outcome = await pruneOpenedStore(remote, { concurrency: 2, graceMs: hours, rules: { keepLast: 1, scopes: [], outputs: [] }, dryRun: false });
  assert.equal(outcome.dry_run, true);
  assert.match(outcome.note ?? '', /cannot delete objects: a store that evicts entries by itself/);
  assert.equal(outcome.removed.length, 1);
  assert.equal(await bench.remote.exists(old.manifest), true);
});
