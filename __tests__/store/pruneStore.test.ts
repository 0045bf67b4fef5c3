import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { type PruneRules } from '../../src/core/pruneRules.js';
import { type PruneOutcome } from '../../src/core/storeReport.js';
import { type Remote } from '../../src/remote/remote.js';
import { unusedRoot } from '../../src/store/layout.js';
import { pruneStore } from '../../src/store/pruneStore.js';
import { hours, type StoreBench, useStoreBenches, writeOrphan, writeResult, type WrittenResult } from './storeFixture.js';

const { kinds } = useStoreBenches('prune');

function rules(given: Partial<PruneRules>): PruneRules {
  return { scopes: [], outputs: [], graceMs: hours, ...given };
}

function prune(remote: Remote, given: Partial<PruneRules>, dryRun = false): Promise<PruneOutcome> {
  return pruneStore({ remote, rules: rules(given), dryRun, concurrency: 4 });
}

async function exists(bench: StoreBench, key: string): Promise<boolean> {
  return bench.remote.exists(key);
}

async function presentOf(bench: StoreBench, keys: readonly string[]): Promise<boolean[]> {
  return Promise.all(keys.map((key) => exists(bench, key)));
}

/** A history to prune: four results of `model` in `ci`, two in `pr-1`, one of `metrics`, two trusted. */
async function history(bench: StoreBench): Promise<Record<string, WrittenResult>> {
  const made: Record<string, WrittenResult> = {};
  const add = async (name: string, output: string, scope: string, createdHoursAgo: number, shared = 'shared weights'): Promise<void> => {
    made[name] = await writeResult(bench, { output, scope, createdHoursAgo, files: { 'weights.bin': shared, 'notes.txt': `notes of ${name}` } });
  };
  await add('ci10', 'model', 'ci', 10);
  await add('ci8', 'model', 'ci', 8);
  await add('ci6', 'model', 'ci', 6);
  await add('ci4', 'model', 'ci', 4);
  await add('pr50', 'model', 'pr-1', 50, 'weights of pr-1');
  await add('pr30', 'model', 'pr-1', 30, 'weights of pr-1');
  await add('metrics20', 'metrics', 'ci', 20);
  await add('trusted100', 'model', 'trusted', 100);
  await add('trusted90', 'model', 'trusted', 90);
  return made;
}

function removedNames(outcome: PruneOutcome, made: Record<string, WrittenResult>): string[] {
  const byKey = new Map(Object.entries(made).map(([name, result]) => [result.key, name]));
  return outcome.removed.map((result) => byKey.get(result.key)!).sort();
}

describe.each(kinds)('prune on a %s remote', (_, open) => {
  test('keep-last and older-than select exactly the right results; trusted only when named', async () => {
    const bench = await open();
    const made = await history(bench);
    assert.deepEqual(removedNames(await prune(bench.remote, { keepLast: 2 }, true), made), ['ci10', 'ci8']);
    assert.deepEqual(removedNames(await prune(bench.remote, { olderThanMs: 24 * hours }, true), made), ['pr30', 'pr50']);
    // Both: a result goes only when both rules let it go.
    assert.deepEqual(removedNames(await prune(bench.remote, { keepLast: 1, olderThanMs: 7 * hours }, true), made), ['ci10', 'ci8', 'pr50']);
    assert.deepEqual(removedNames(await prune(bench.remote, { keepLast: 1, scopes: ['trusted'] }, true), made), ['trusted100']);
    assert.deepEqual(removedNames(await prune(bench.remote, { olderThanMs: 0, outputs: ['metrics'] }, true), made), ['metrics20']);
    assert.deepEqual(removedNames(await prune(bench.remote, { keepLast: 1, scopes: ['pr-1'] }, true), made), ['pr50']);

    const outcome = await prune(bench.remote, { keepLast: 2 });
    assert.deepEqual(removedNames(outcome, made), ['ci10', 'ci8']);
    assert.deepEqual(await presentOf(bench, Object.values(made).map((result) => result.manifest)), [false, false, true, true, true, true, true, true, true]);
    // The shared weights stay, as results that remain use them; the notes only the removed ones
    // used stay too, for the grace period.
    assert.deepEqual(await presentOf(bench, [...made.ci10!.objects, ...made.ci8!.objects]), [true, true, true, true]);
    assert.equal(outcome.freed.objects, 2);
  });

  test('every used object survives; unused ones go once older than the grace period; a dry run changes nothing', async () => {
    const bench = await open();
    const made = await history(bench);
    const oldOrphan = await writeOrphan(bench, 'left by an interrupted save', 5);
    const youngOrphan = await writeOrphan(bench, 'a save under way wrote this a minute ago', 0.02);
    const before = await bench.picture();
    const dry = await prune(bench.remote, { keepLast: 1 }, true);
    assert.deepEqual(await bench.picture(), before, 'a dry run writes and deletes nothing');
    assert.equal(dry.dry_run, true);
    assert.equal(dry.deleted.objects, 1);

    const outcome = await prune(bench.remote, { keepLast: 1 });
    assert.deepEqual(await presentOf(bench, [oldOrphan, youngOrphan]), [false, true]);
    assert.equal(outcome.deleted.objects, 1);
    const kept = [made.ci4!, made.pr30!, made.metrics20!, made.trusted100!, made.trusted90!];
    for (const result of kept) assert.deepEqual(await presentOf(bench, [result.manifest, ...result.objects]), [true, ...result.objects.map(() => true)]);
  });

  test('objects only the removed results used stay for the grace period, then a later prune deletes them', async () => {
    const bench = await open();
    const made = await history(bench);
    const onlyOld = (name: string): string => made[name]!.objects.find((key) => !made.ci4!.objects.includes(key))!;
    const freed = ['ci10', 'ci8', 'ci6'].map(onlyOld);
    const outcome = await prune(bench.remote, { keepLast: 1, scopes: ['ci'] });
    assert.equal(outcome.removed.length, 3);
    assert.equal(outcome.freed.objects, 3);
    assert.ok(outcome.freed.deletable_after !== null);
    assert.deepEqual(await presentOf(bench, freed), [true, true, true], 'a save that started from a removed result may still use them');

    // A prune within the grace period leaves them; once the record is older than it, they go.
    assert.equal((await prune(bench.remote, { keepLast: 1, scopes: ['ci'] })).deleted.objects, 0);
    assert.deepEqual(await presentOf(bench, freed), [true, true, true]);
    for (const record of await bench.remote.list!(unusedRoot)) await bench.age(record.key, 2 * hours);
    const later = await prune(bench.remote, { keepLast: 1, scopes: ['ci'] });
    assert.equal(later.deleted.objects, 3);
    assert.deepEqual(await presentOf(bench, freed), [false, false, false]);
    assert.deepEqual(await bench.remote.list!(unusedRoot), [], 'an expired record is deleted');
  });

  test('with no grace period, what the removals leave unused goes at once', async () => {
    const bench = await open();
    const made = await history(bench);
    const outcome = await prune(bench.remote, { olderThanMs: 24 * hours, graceMs: 0 });
    assert.deepEqual(removedNames(outcome, made), ['pr30', 'pr50']);
    const theirs = [...new Set([...made.pr30!.objects, ...made.pr50!.objects])];
    assert.equal(theirs.length, 3, 'two notes and the weights they share');
    assert.deepEqual(await presentOf(bench, theirs), [false, false, false]);
    assert.equal(outcome.deleted.objects, 3);
    assert.deepEqual(await bench.remote.list!(unusedRoot), []);
  });
});
