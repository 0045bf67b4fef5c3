import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { type WalkProgress } from '../../src/core/walkProgress.js';
import { logWalkProgress } from '../../src/report/walkProgressDisplay.js';
import { walkStore } from '../../src/store/walkStore.js';
import { hours, useStoreBenches, writeResult } from './storeFixture.js';

const { kinds } = useStoreBenches('progress');

describe.each(kinds)('the progress of a walk over a %s store (what du and prune show on a large one)', (_, open) => {
  test('says it lists, then counts the manifests read up to their number, and ends', async () => {
    const bench = await open();
    for (let index = 0; index < 5; index++) await writeResult(bench, { output: 'model', scope: 'ci', createdHoursAgo: 10 - index, files: { 'w.bin': `weights ${index}` } });
    const steps: string[] = [];
    let ended = 0;
    const recorder: WalkProgress = { step: (label, done, total) => steps.push(`${label} ${done}/${total ?? '?'}`), end: () => ended++ };
    await walkStore(bench.remote, { concurrency: 2, graceMs: hours, progress: recorder });
    assert.equal(steps[0], 'listing the store 0/?');
    const reads = steps.filter((step) => step.startsWith('reading manifests'));
    assert.deepEqual(reads, [1, 2, 3, 4, 5].map((done) => `reading manifests ${done}/5`));
    assert.equal(ended, 1);

    // Where standard error is no terminal (a CI log), the same steps become lines now and then.
    const lines: string[] = [];
    await walkStore(bench.remote, { concurrency: 2, graceMs: hours, progress: logWalkProgress((line) => lines.push(line), 0) });
    assert.ok(lines.includes('listing the store…'), lines.join('\n'));
    assert.ok(lines.includes('reading manifests 5 / 5'), lines.join('\n'));
  });
});
