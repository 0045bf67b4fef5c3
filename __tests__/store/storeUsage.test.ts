import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { type StoreUsage } from '../../src/core/storeReport.js';
import { isUnlistedStoreReport } from '../../src/core/unlistedStoreReport.js';
import { measureStore as measureAny, type StoreSettings } from '../../src/engine/storeMaintenance.js';
import { pruneStore } from '../../src/store/pruneStore.js';
import { storeUsageLines } from '../../src/report/storeUsageText.js';
import { hours, type StoreBench, useStoreBenches, writeOrphan, writeResult, type WrittenResult } from './storeFixture.js';

const { kinds } = useStoreBenches('usage');

/** These remotes list what they hold: du measures them whole. */
async function measureStore(settings: StoreSettings): Promise<StoreUsage> {
  const usage = await measureAny(settings);
  assert.ok(!isUnlistedStoreReport(usage), `${settings.remote} was not listed`);
  return usage;
}

const weights = 'W'.repeat(100);

/** Three results: two of `model` in `ci` and one of `metrics` in `trusted`, all three sharing the weights. */
async function store(bench: StoreBench): Promise<Record<string, WrittenResult>> {
  const older = await writeResult(bench, { output: 'model', scope: 'ci', createdHoursAgo: 10, files: { 'w.bin': weights, 'n.txt': '1'.repeat(10) } });
  const newer = await writeResult(bench, { output: 'model', scope: 'ci', createdHoursAgo: 5, files: { 'w.bin': weights, 'n.txt': '2'.repeat(20) } });
  const metrics = await writeResult(bench, { output: 'metrics', scope: 'trusted', createdHoursAgo: 3, files: { 'm.json': 'M'.repeat(30), 'w.bin': weights } });
  await writeOrphan(bench, 'O'.repeat(40), 5);
  await writeOrphan(bench, 'Y'.repeat(50), 0);
  return { older, newer, metrics };
}

describe.each(kinds)('du on a %s remote', (_, open) => {
  test('totals, sharing, unused objects, and each output and scope with its own bytes and its oldest and newest result', async () => {
    const bench = await open();
    const settings: StoreSettings = { remote: bench.url, s3: bench.s3, workingDirectory: '/', concurrency: 4, graceMs: hours };
    const made = await store(bench);
    const usage = await measureStore(settings);
    assert.equal(usage.results, 3);
    assert.deepEqual(usage.blobs, { objects: 6, bytes: 250 });
    assert.deepEqual(usage.packs, { objects: 0, bytes: 0 });
    assert.equal(usage.manifests.objects, 3);
    assert.equal(usage.bookkeeping.objects, 3, 'an index entry for each result');
    assert.equal(usage.total.objects, 12);
    assert.equal(usage.restored_bytes, 110 + 120 + 130);
    assert.deepEqual(usage.used, { objects: 4, bytes: 160 });
    assert.deepEqual(usage.shared, { objects: 1, bytes: 100 });
    assert.deepEqual(usage.unused, { objects: 2, bytes: 90, recent: { objects: 1, bytes: 50 }, held: { objects: 0, bytes: 0 } });
    const model = usage.outputs.find((group) => group.name === 'model')!;
    assert.deepEqual([model.results, model.spread, model.restored_bytes, model.stored, model.own], [2, 1, 230, { objects: 3, bytes: 130 }, { objects: 2, bytes: 30 }]);
    assert.deepEqual([model.oldest.key, model.newest.key], [made.older!.key, made.newer!.key]);
    const metrics = usage.outputs.find((group) => group.name === 'metrics')!;
    assert.deepEqual([metrics.results, metrics.stored, metrics.own], [1, { objects: 2, bytes: 130 }, { objects: 1, bytes: 30 }]);
    assert.deepEqual(usage.scopes.map((group) => [group.name, group.results, group.spread, group.own.bytes]), [['ci', 2, 1, 30], ['trusted', 1, 1, 30]]);
    assert.equal(usage.problems.missing_objects.length + usage.problems.damaged_objects.length + usage.problems.unusable_manifests.length, 0);

    const text = storeUsageLines(usage);
    assert.match(text[0]!, /holds 3 results of 2 outputs in 2 scopes$/);
    assert.ok(text.some((line) => /^ {2}unused +90 B {2}in 2 objects no result uses, 50 B written within 1 hour \(a save may be under way\)$/.test(line)), text.join('\n'));
    assert.ok(text.some((line) => /^model +2 +1 +230 B +130 B +30 B +\d{4}-\d\d-\d\d \d\d:\d\dZ/.test(line)), text.join('\n'));

    // Once a prune has removed the older result, what only it used is held by the prune's record.
    await pruneStore({ remote: bench.remote, rules: { keepLast: 1, scopes: [], outputs: [], graceMs: hours }, dryRun: false, concurrency: 4 });
    const after = await measureStore(settings);
    assert.equal(after.results, 2);
    assert.deepEqual(after.unused.held, { objects: 1, bytes: 10 });
    assert.deepEqual(after.unused.recent, { objects: 1, bytes: 50 });
    assert.equal(after.unused.objects, 2, 'the old unused object went, the one the removal freed stays');
  });
});
