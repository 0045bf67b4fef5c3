import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { UsageError } from '../../src/core/errors.js';
import { checkNamesPresent, type DatedResult, type PruneRules, scopeCovered, selectRemovals } from '../../src/core/pruneRules.js';

const hour = 3_600_000;
const now = Date.parse('2026-11-22T12:00:00Z');

interface Named extends DatedResult {
  name: string;
}

/** A result created `hoursAgo`, its manifest written then too unless said otherwise. */
function result(name: string, output: string, scope: string, hoursAgo: number, writtenHoursAgo = hoursAgo): Named {
  return { name, output, scope, created: now - hoursAgo * hour, modified: now - writtenHoursAgo * hour };
}

const store: Named[] = [
  result('ci-1', 'model', 'ci', 1.5),
  result('ci-2', 'model', 'ci', 2),
  result('ci-3', 'model', 'ci', 30),
  result('ci-4', 'model', 'ci', 800),
  result('pr-old', 'model', 'pr-7', 300),
  result('pr-sub', 'model', 'pr-7@gpu', 400),
  result('metrics', 'metrics.json', 'ci', 50),
  result('trusted-new', 'model', 'trusted', 5),
  result('trusted-old', 'model', 'trusted', 500),
  result('trusted-sub', 'model', 'trusted@gpu', 500),
];

function removed(given: Partial<PruneRules>, results: readonly Named[] = store): string[] {
  const rules: PruneRules = { scopes: [], outputs: [], graceMs: hour, ...given };
  return selectRemovals(results, rules, now).remove.map((removal) => removal.result.name).sort();
}

test('keep-last keeps the newest N of each output and scope, by the time the save recorded', () => {
  assert.deepEqual(removed({ keepLast: 1 }), ['ci-2', 'ci-3', 'ci-4']);
  assert.deepEqual(removed({ keepLast: 2 }), ['ci-3', 'ci-4']);
  assert.deepEqual(removed({ keepLast: 10 }), []);
});

test('older-than removes results created longer ago than the duration', () => {
  assert.deepEqual(removed({ olderThanMs: 24 * hour }), ['ci-3', 'ci-4', 'metrics', 'pr-old', 'pr-sub']);
  assert.deepEqual(removed({ olderThanMs: 30 * hour }), ['ci-4', 'metrics', 'pr-old', 'pr-sub'], 'exactly the duration old is not older');
});

test('with both rules a result goes only when both let it go', () => {
  assert.deepEqual(removed({ keepLast: 1, olderThanMs: 24 * hour }), ['ci-3', 'ci-4']);
  assert.deepEqual(removed({ keepLast: 3, olderThanMs: 0 }), ['ci-4']);
});

test('trusted and its sub-scopes stay unless named; a named scope covers its sub-scopes', () => {
  assert.deepEqual(removed({ olderThanMs: 0, scopes: ['trusted'] }), ['trusted-new', 'trusted-old', 'trusted-sub']);
  assert.deepEqual(removed({ keepLast: 1, scopes: ['trusted'] }), ['trusted-old']);
  assert.deepEqual(removed({ olderThanMs: 0, scopes: ['pr-7'] }), ['pr-old', 'pr-sub']);
  assert.deepEqual(removed({ olderThanMs: 0, scopes: ['pr-7@gpu'] }), ['pr-sub']);
  assert.equal(scopeCovered('trusted@gpu', []), false);
  assert.equal(scopeCovered('trustedx', []), true, 'only "trusted" and "trusted@…" are trusted');
  assert.equal(scopeCovered('pr-70', ['pr-7']), false);
});

test('--output limits the rules to the outputs named', () => {
  assert.deepEqual(removed({ olderThanMs: 0, outputs: ['metrics.json'] }), ['metrics']);
});

test('no rule removes nothing; a manifest written within the grace period stays whatever the rules say', () => {
  assert.deepEqual(removed({}), []);
  const selection = selectRemovals([result('old-but-just-written', 'model', 'ci', 100, 0.5), result('newest', 'model', 'ci', 0.1)], { keepLast: 1, scopes: [], outputs: [], graceMs: hour }, now);
  assert.deepEqual(selection.remove, []);
  assert.deepEqual(selection.heldByGrace.map((entry) => entry.name), ['old-but-just-written']);
  const reasons = selectRemovals([result('a', 'model', 'ci', 10), result('b', 'model', 'ci', 50)], { keepLast: 1, olderThanMs: 24 * hour, scopes: [], outputs: [], graceMs: 0 }, now);
  assert.deepEqual(reasons.remove.map((entry) => entry.reason), ['not among the newest 1, older than 1d']);
});

test('a scope or output with no result in the store is refused, naming what is there', () => {
  const rules: PruneRules = { scopes: ['pr-8'], outputs: [], graceMs: hour };
  assert.throws(() => checkNamesPresent(rules, store, 's3://b/p'), (error: Error) => {
    assert.ok(error instanceof UsageError);
    assert.equal(error.message, '--scope "pr-8" holds no result in s3://b/p: the scopes there are "ci", "pr-7", "pr-7@gpu", "trusted", "trusted@gpu"');
    return true;
  });
  assert.throws(() => checkNamesPresent({ ...rules, scopes: [], outputs: ['modle'] }, store, 'here'), /--output "modle" has no result in here: the outputs there are "metrics.json", "model"/);
  assert.throws(() => checkNamesPresent(rules, [], 'here'), /it holds no results at all/);
  checkNamesPresent({ scopes: ['pr-7', 'trusted'], outputs: ['model'], graceMs: 0 }, store, 'here');
});
