import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { changesByDirectory } from '../../src/core/directoryChanges.js';
import { envDigests, envValueDigest } from '../../src/core/envDigest.js';
import { markSinceLastUse } from '../../src/core/inputChanges.js';
import { type KeyMaterial, keyDifference } from '../../src/core/keyDifference.js';
import { lineExcerpt } from '../../src/core/lineExcerpt.js';
import { type Manifest } from '../../src/core/manifest.js';
import { explainDifference, explanationListCap, firstRunExplanation, materialOfManifest, type NearestResult } from '../../src/core/missExplanation.js';
import { type InputReport } from '../../src/core/stepReport.js';

const hash = (character: string): string => character.repeat(64);
const nearest: NearestResult = { output: 'model', scope: 'trusted', key: hash('e'), tree: hash('f'), manifest: 'm.json', created: '2026-11-22T10:00:00Z', commit: null, run: null, repository: null, duration_ms: 1000 };
const before: KeyMaterial = {
  script: ['python prepare.py', 'python train.py --epochs 10'],
  deps: [['data/a.txt', hash('a')], ['train.py', hash('b')]],
  env: [['SEED', envValueDigest('SEED', '1')]],
  extra: '',
  outputs: ['model'],
};

function explain(after: Partial<KeyMaterial>, earlier: KeyMaterial = before) {
  return explainDifference(earlier, { ...before, ...after }, nearest, []);
}

describe('the reason a miss gives names exactly what changed', () => {
  test('one line of the command', () => {
    const explanation = explain({ script: ['python prepare.py', 'python train.py --epochs 20'] });
    assert.equal(explanation.kind, 'changed');
    assert.equal(explanation.reason, 'line 2 of the command changed');
    assert.deepEqual(explanation.command, [{ line: 2, before: 'python train.py --epochs 10', after: 'python train.py --epochs 20' }]);
    assert.deepEqual([explanation.deps.counts, explanation.env, explanation.key_extra], [{ added: 0, removed: 0, changed: 0 }, { added: [], removed: [], changed: [], unrecorded: [] }, false]);
  });

  test('one dep file, with its old and new sha256', () => {
    const explanation = explain({ deps: [['data/a.txt', hash('c')], ['train.py', hash('b')]] });
    assert.equal(explanation.reason, 'dep `data/a.txt` changed');
    assert.deepEqual(explanation.deps.changed, [{ path: 'data/a.txt', before: hash('a'), after: hash('c') }]);
    assert.deepEqual(explanation.command, []);
  });

  test('one env value, named without the value', () => {
    const explanation = explain({ env: [['SEED', envValueDigest('SEED', '2')]] });
    assert.equal(explanation.reason, 'env SEED changed');
    assert.deepEqual(explanation.env.changed, ['SEED']);
    assert.doesNotMatch(JSON.stringify(explanation), /"2"|"1"/);
  });

  test('key-extra, declared outputs, and several kinds at once, in a fixed order', () => {
    assert.equal(explain({ extra: 'gpu' }).reason, 'key-extra changed');
    assert.equal(explain({ outputs: ['model', 'plots'] }).reason, 'declared outputs changed: `plots` added');
    const many = explain({ script: ['python train.py --epochs 10'], deps: [['train.py', hash('d')], ['new.txt', hash('1')]], extra: 'x' });
    assert.equal(many.reason, 'line 1 of the command was removed; deps changed: 1 changed, 1 added, 1 removed; key-extra changed');
  });

  test('a first run names the outputs and the scopes', () => {
    assert.equal(firstRunExplanation(['model', 'metrics.json'], ['pr-7', 'trusted']).reason, 'first run of this step: nothing saved for `model`, `metrics.json` yet (in scopes pr-7, trusted)');
  });

  test('a difference only in what the earlier result did not record says so', () => {
    const older = { ...before, env: [['SEED', undefined]] as const, outputs: undefined };
    const explanation = explainDifference(older, before, nearest, []);
    assert.equal(explanation.kind, 'unrecorded');
    assert.match(explanation.reason, /did not record: the value of env SEED or the declared outputs$/);
  });

  test('many changed files keep whole counts, capped lists and sums by directory', () => {
    const deps = Array.from({ length: 300 }, (_, index) => [`corpus/train/${String(index).padStart(3, '0')}.txt`, hash('9')] as const);
    const explanation = explain({ deps: [...deps, ['data/a.txt', hash('c')], ['train.py', hash('b')]] });
    assert.deepEqual(explanation.deps.counts, { added: 300, removed: 0, changed: 1 });
    assert.equal(explanation.deps.added.length, explanationListCap);
    assert.deepEqual(explanation.deps.directories, [
      { directory: 'corpus/', changed: 0, added: 300, removed: 0 },
      { directory: 'data/', changed: 1, added: 0, removed: 0 },
    ]);
  });
});

describe('the parts of an explanation', () => {
  test('the material of a manifest: env values unrecorded where it has no digests', () => {
    const manifest = { command: ['make'], inputs: [{ path: 'a', size: 1, sha256: hash('a') }], env: ['SEED', 'LR'], env_sha256: [['SEED', hash('1')]], extra: 'x', outputs: ['out'] } as unknown as Manifest;
    assert.deepEqual(materialOfManifest(manifest), { script: ['make'], deps: [['a', hash('a')]], env: [['SEED', hash('1')], ['LR', undefined]], extra: 'x', outputs: ['out'] });
  });

  test('a changed line is shown by the words that changed, with one word before them', () => {
    assert.deepEqual(lineExcerpt('python train.py --epochs 10 --seed 1', 'python train.py --epochs 20 --seed 1'), { before: '--epochs 10', after: '--epochs 20' });
    assert.deepEqual(lineExcerpt('python a.py', 'python b.py'), { before: 'python a.py', after: 'python b.py' });
    assert.deepEqual(lineExcerpt('make  all', 'make all'), { before: 'make  all', after: 'make all' });
    assert.equal(Array.from(lineExcerpt('x', `x ${'y'.repeat(500)}`).after).length, 60);
  });

  test('changes are summed one level deeper while they all fall in one directory', () => {
    const deps = { added: ['corpus/train/a.txt', 'corpus/train/b.txt'], removed: [], changed: [{ path: 'corpus/train/sub/c.txt', before: hash('1'), after: hash('2') }] };
    assert.deepEqual(changesByDirectory(deps), [{ directory: 'corpus/train/', changed: 1, added: 2, removed: 0 }]);
    assert.deepEqual(changesByDirectory({ added: ['top.txt', 'corpus/a.txt'], removed: [], changed: [] }), [
      { directory: '', changed: 0, added: 1, removed: 0 },
      { directory: 'corpus/', changed: 0, added: 1, removed: 0 },
    ]);
  });

  test('inputs are marked changed or new against the earlier inputs; the rest are left as they were', () => {
    const input = (path: string, sha256: string): InputReport => ({ path, size: 1, md5: '', sha1: '', sha256 });
    const marked = markSinceLastUse([input('a', hash('1')), input('b', hash('2')), input('c', hash('3'))], [{ path: 'a', size: 1, sha256: hash('1') }, { path: 'b', size: 1, sha256: hash('9') }]);
    assert.deepEqual(marked.map((each) => each.since_last_use), [undefined, 'changed', 'new']);
    assert.equal('since_last_use' in marked[0]!, false);
  });

  test('an env digest never holds the value, differs by name, and is null for unset', () => {
    const digest = envValueDigest('TOKEN', 'hunter2')!;
    assert.match(digest, /^[0-9a-f]{64}$/);
    assert.notEqual(digest, envValueDigest('OTHER', 'hunter2'));
    assert.deepEqual(envDigests(['B', 'A', 'B'], { A: 'x' }), [['A', envValueDigest('A', 'x')], ['B', null]]);
    assert.equal(keyDifference(before, { ...before, env: [['SEED', envValueDigest('SEED', '1')]] }).env.changed.length, 0);
  });
});
