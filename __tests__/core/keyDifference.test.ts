import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { isNoDifference, keyDifference, type KeyMaterial } from '../../src/core/keyDifference.js';

const base: KeyMaterial = {
  script: ['python prepare.py', 'python train.py --epochs 10', 'echo done'],
  deps: [
    ['corpus/a.txt', 'a'.repeat(64)],
    ['corpus/b.txt', 'b'.repeat(64)],
    ['train.py', 'c'.repeat(64)],
  ],
  env: [
    ['SEED', 'd'.repeat(64)],
    ['UNSET', null],
  ],
  extra: 'gpu',
  outputs: ['model', 'metrics.json'],
};

describe('keyDifference', () => {
  test('the same material has no difference', () => {
    const difference = keyDifference(base, structuredClone(base));
    assert.ok(isNoDifference(difference), JSON.stringify(difference));
  });

  test('a changed line of the script is one before/after pair, nothing else', () => {
    const after = { ...base, script: ['python prepare.py', 'python train.py --epochs 20', 'echo done'] };
    const difference = keyDifference(base, after);
    assert.deepEqual(difference.script, [{ line: 2, before: 'python train.py --epochs 10', after: 'python train.py --epochs 20' }]);
    assert.ok(isNoDifference({ ...difference, script: [] }));
  });

  test('added and removed lines stand alone, in script order', () => {
    const after = { ...base, script: ['python prepare.py', 'echo done', 'python evaluate.py'] };
    // A removed line is numbered as it was; an added one as it is.
    assert.deepEqual(keyDifference(base, after).script, [{ line: 2, before: 'python train.py --epochs 10' }, { line: 3, after: 'python evaluate.py' }]);
  });

  test('deps added, removed and changed, with the old and new sha256', () => {
    const after = { ...base, deps: [['corpus/a.txt', 'e'.repeat(64)], ['corpus/c.txt', 'f'.repeat(64)], ['train.py', 'c'.repeat(64)]] as const };
    assert.deepEqual(keyDifference(base, after).deps, {
      added: ['corpus/c.txt'],
      removed: ['corpus/b.txt'],
      changed: [{ path: 'corpus/a.txt', before: 'a'.repeat(64), after: 'e'.repeat(64) }],
    });
  });

  test('env names added, removed and changed in value; a value the earlier result did not record is not a change', () => {
    const after = { ...base, env: [['SEED', 'e'.repeat(64)], ['NEW', null]] as const };
    assert.deepEqual(keyDifference(base, after).env, { added: ['NEW'], removed: ['UNSET'], changed: ['SEED'] });
    const unrecorded = { ...base, env: [['SEED', undefined], ['UNSET', null]] as const };
    assert.deepEqual(keyDifference(unrecorded, base).env, { added: [], removed: [], changed: [] });
    assert.deepEqual(keyDifference(unrecorded, base).unrecorded, { env: ['SEED'], outputs: false });
  });

  test('outputs an earlier result did not record are not a change, and are said to be unrecorded', () => {
    const difference = keyDifference({ ...base, outputs: undefined }, { ...base, outputs: ['other'] });
    assert.deepEqual(difference.outputs, { added: [], removed: [] });
    assert.equal(difference.unrecorded.outputs, true);
    assert.ok(isNoDifference(difference));
  });

  test('key-extra and declared outputs', () => {
    const difference = keyDifference(base, { ...base, extra: 'cpu', outputs: ['model', 'report.html'] });
    assert.equal(difference.extra, true);
    assert.deepEqual(difference.outputs, { added: ['report.html'], removed: ['metrics.json'] });
  });
});
