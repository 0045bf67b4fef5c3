import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, test } from '@jest/globals';
import { type PruneRules } from '../../src/core/pruneRules.js';
import { planExplicitScope } from '../../src/core/scope.js';
import { restoreOnly } from '../../src/engine/restoreOnly.js';
import { saveOnly } from '../../src/engine/saveOnly.js';
import { type StepContext } from '../../src/engine/stepContext.js';
import { type StepDefinition } from '../../src/engine/stepDefinition.js';
import { type Remote } from '../../src/remote/remote.js';
import { blobsRoot, outputsRoot, packsRoot, unusedRoot } from '../../src/store/layout.js';
import { pruneStore } from '../../src/store/pruneStore.js';
import { findProblems } from '../../src/store/storeProblems.js';
import { walkStore } from '../../src/store/walkStore.js';
import { describeTree } from '../helpers/workspace.js';
import { hours, type StoreBench, useStoreBenches, writeOrphan } from './storeFixture.js';

const { kinds, root } = useStoreBenches('concurrent');

const fileCount = 30;

function definition(workingDirectory: string, command: string): StepDefinition {
  return { workingDirectory, command: [command], deps: [], outputs: ['data'], env: [], keyExtra: '' };
}

function context(bench: StoreBench, remote: Remote = bench.remote): StepContext {
  return { remote, scope: planExplicitScope('ci', 'tests'), concurrency: 8, failOnCacheError: false, environment: process.env };
}

/**
 * The remote as a slow link shows it to a save: each object takes `ms` longer to write. A save's
 * uploads come after it has chosen the earlier result it builds on and before its manifest, so
 * this holds that window open long enough for a whole prune to run inside it.
 */
function slowWrites(remote: Remote, ms: number): Remote {
  return new Proxy(remote, {
    get(target, property) {
      if (property === 'writeIfAbsent') {
        return async (...args: Parameters<Remote['writeIfAbsent']>) => {
          await delay(ms);
          return target.writeIfAbsent(...args);
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Rewrites `count` of the output's files with new bytes, starting at `first`. */
async function change(workspace: string, first: number, count: number): Promise<void> {
  for (let index = first; index < first + count; index++) {
    await writeFile(join(workspace, 'data', `file-${String(index % fileCount).padStart(2, '0')}.bin`), randomBytes(3000 + ((index * 977) % 4000)));
  }
}

/** Everything written so far is made hours old: the saves that wrote it have long finished. */
async function ageEverything(bench: StoreBench): Promise<void> {
  for (const prefix of [outputsRoot, blobsRoot, packsRoot, unusedRoot]) {
    for (const object of await bench.remote.list!(prefix)) await bench.age(object.key, 2 * hours);
  }
}

const ruleTurns: Partial<PruneRules>[] = [{ keepLast: 1 }, { olderThanMs: 0 }, {}, { keepLast: 1, olderThanMs: 0 }];
/** How much longer each object takes the save to write, and when, after the save starts, the prune does. */
const writeDelayMs = 100;
const pruneStartsMs = [0, 40, 80, 120, 160];

/**
 * Each round: a result is saved and made old; then a save that starts from it (and points into its
 * packs) runs at the same time as a prune whose rules remove that old result. Every result still
 * in the store afterwards must restore, the new one above all.
 */
async function saveBesidePrune(bench: StoreBench, rounds: number): Promise<void> {
  const workspace = join(root(), `${bench.name}-workspace`);
  await mkdir(join(workspace, 'data'), { recursive: true });
  await change(workspace, 0, fileCount);
  let deletedOrphans = 0;
  for (let round = 0; round < rounds; round++) {
    await change(workspace, round, 1);
    const base = await saveOnly(definition(workspace, `base ${round}`), context(bench), { policy: 'always', runMs: null });
    assert.equal(base.outputs[0]!.status, 'saved', base.reason);
    await writeOrphan(bench, `left by an interrupted save, round ${round}`, 0);
    await ageEverything(bench);
    await change(workspace, round + 7, 2);
    const expected = await describeTree(join(workspace, 'data'));
    const rules = { scopes: ['ci'], outputs: [], graceMs: hours, ...ruleTurns[round % ruleTurns.length]! };
    // The prune starts at another moment of the save each round: before it has chosen the result
    // it builds on, while it uploads, or as it commits.
    const [saved, pruned] = await Promise.all([
      saveOnly(definition(workspace, `next ${round}`), context(bench, slowWrites(bench.remote, writeDelayMs)), { policy: 'always', runMs: null }),
      delay(pruneStartsMs[round % pruneStartsMs.length]!).then(() => pruneStore({ remote: bench.remote, rules, dryRun: false, concurrency: 4 })),
    ]);
    assert.equal(saved.outputs[0]!.status, 'saved', saved.reason);
    assert.deepEqual(pruned.lost, []);
    deletedOrphans += pruned.deleted.objects;

    const walk = await walkStore(bench.remote, { concurrency: 4, graceMs: hours });
    const { problems } = await findProblems(bench.remote, walk, 4);
    assert.deepEqual([problems.missing_objects, problems.damaged_objects, problems.unusable_manifests], [[], [], []], `round ${round}`);
    const fresh = join(root(), `${bench.name}-restore-${round}`);
    const restored = await restoreOnly(definition(fresh, `next ${round}`), context(bench));
    assert.equal(restored.status, 'hit', `round ${round}: ${restored.reason}`);
    assert.deepEqual(await describeTree(join(fresh, 'data')), expected);
  }
  // The prunes did delete: each round's old unused object went while saves ran.
  assert.ok(deletedOrphans >= rounds, `${deletedOrphans} objects deleted in ${rounds} rounds`);
}

describe.each(kinds)('a save and a prune at the same time on a %s remote', (name, open) => {
  test('every saved result stays restorable, round after round', async () => {
    await saveBesidePrune(await open(), name === 's3' ? 15 : 20);
  });
});
