import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { commandKey, compareStrings, type CommandKeyParts } from '../../src/core/commandKey.js';

const emptySha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const foxSha256 = 'd7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592';

// Expected keys were computed once with python3:
//   hashlib.sha256(json.dumps(obj, separators=(',', ':'), ensure_ascii=False).encode('utf-8')).hexdigest()
// over the JSON text quoted above each vector (key order v, script, deps, env, extra, outputs).
describe('commandKey golden vectors', () => {
  test('a simple step', () => {
    // {"v":1,"script":["python train.py"],"deps":[["data/train.jsonl","d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"]],"env":[],"extra":"","outputs":["model"]}
    const key = commandKey({ script: ['python train.py'], deps: [['data/train.jsonl', foxSha256]], env: {}, extra: '', outputs: ['model'] });
    assert.equal(key, '4cf0af640383f4e79a44f47e820d77afaa231e50913084682755d8375d242378');
  });

  test('env names out of order, one unset and one empty', () => {
    // {"v":1,"script":["make all"],"deps":[["Makefile","e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],["src/main.c","d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"]],"env":[["ALPHA",""],["CUDA_VISIBLE_DEVICES",null],["SEED","42"]],"extra":"gpu","outputs":["build"]}
    const key = commandKey({
      script: ['make all'],
      deps: [
        ['Makefile', emptySha256],
        ['src/main.c', foxSha256],
      ],
      env: { SEED: '42', CUDA_VISIBLE_DEVICES: undefined, ALPHA: '' },
      extra: 'gpu',
      outputs: ['build'],
    });
    assert.equal(key, 'bd097f408608eda2fcd379839b843ca118d203ea45d46aa84a1f4fb1bbebbb46');
  });

  test('a multi-line Unicode script and unsorted outputs', () => {
    // Outputs in JavaScript (UTF-16) order: "😀/y" (U+D83D…) sorts before "ｱ/x" (U+FF71), unlike code-point order.
    // {"v":1,"script":["set -e","echo \"héllo wörld\" → 日本語\tdone","python train.py --seed 😀"],"deps":[],"env":[["LANG","C.UTF-8"]],"extra":"v2 ünïcode","outputs":["A","a","z/out","😀/y","ｱ/x"]}
    const key = commandKey({
      script: ['set -e', 'echo "héllo wörld" → 日本語\tdone', 'python train.py --seed 😀'],
      deps: [],
      env: { LANG: 'C.UTF-8' },
      extra: 'v2 ünïcode',
      outputs: ['ｱ/x', 'z/out', 'a', '😀/y', 'A'],
    });
    assert.equal(key, 'fdac587808e287fab51a721dc1bb361a575cf10a9ea884c13422a2a65a0f7e71');
  });
});

describe('commandKey properties', () => {
  const base: CommandKeyParts = {
    script: ['python prepare.py', 'python train.py --epochs 3'],
    deps: [
      ['corpus/train.jsonl', foxSha256],
      ['train.py', emptySha256],
    ],
    env: { SEED: '1', TOKEN_LIMIT: '512' },
    extra: 'cuda-12',
    outputs: ['metrics.json', 'model'],
  };
  const baseKey = commandKey(base);

  test('is 64 lowercase hex digits and stable', () => {
    assert.match(baseKey, /^[0-9a-f]{64}$/);
    assert.equal(commandKey({ ...base }), baseKey);
  });

  const changes: [string, CommandKeyParts][] = [
    ['a script line', { ...base, script: ['python prepare.py', 'python train.py --epochs 4'] }],
    ['an added script line', { ...base, script: [...base.script, ''] }],
    ['script line order', { ...base, script: [...base.script].reverse() }],
    ['script lines joined', { ...base, script: [base.script.join('\n')] }],
    ['a dep sha256', { ...base, deps: [['corpus/train.jsonl', emptySha256], ['train.py', emptySha256]] }],
    ['a dep path', { ...base, deps: [['corpus/valid.jsonl', foxSha256], ['train.py', emptySha256]] }],
    ['a removed dep', { ...base, deps: [['train.py', emptySha256]] }],
    ['an env value', { ...base, env: { SEED: '2', TOKEN_LIMIT: '512' } }],
    ['an env name', { ...base, env: { SEED: '1', TOKEN_LIMITS: '512' } }],
    ['an added env name', { ...base, env: { ...base.env, EXTRA: undefined } }],
    ['the extra', { ...base, extra: 'cuda-13' }],
    ['an output path', { ...base, outputs: ['metrics.json', 'model-best'] }],
    ['an added output', { ...base, outputs: [...base.outputs, 'logs'] }],
  ];
  for (const [part, changed] of changes) {
    test(`changing ${part} changes the key`, () => {
      assert.notEqual(commandKey(changed), baseKey);
    });
  }

  test('an unset env variable differs from an empty one', () => {
    const unset = commandKey({ ...base, env: { SEED: undefined } });
    const empty = commandKey({ ...base, env: { SEED: '' } });
    assert.notEqual(unset, empty);
  });

  test('env order and output order do not change the key', () => {
    const reordered = commandKey({ ...base, env: { TOKEN_LIMIT: '512', SEED: '1' }, outputs: ['model', 'metrics.json'] });
    assert.equal(reordered, baseKey);
  });

  test('moving text between the extra and a script line changes the key', () => {
    const first = commandKey({ ...base, script: ['a'], extra: 'b' });
    const second = commandKey({ ...base, script: ['ab'], extra: '' });
    assert.notEqual(first, second);
  });

  test('does not reorder the caller\'s outputs', () => {
    const outputs = ['b', 'a'];
    commandKey({ ...base, outputs });
    assert.deepEqual(outputs, ['b', 'a']);
  });
});

describe('compareStrings', () => {
  test('sorts by UTF-16 code units, like Array.prototype.sort', () => {
    const names = ['ｱ', 'é', 'a', '_', 'B', '😀', 'a/b', 'a-b', 'a.b'];
    assert.deepEqual([...names].sort(compareStrings), ['B', '_', 'a', 'a-b', 'a.b', 'a/b', 'é', '😀', 'ｱ']);
    assert.deepEqual([...names].sort(compareStrings), [...names].sort());
  });

  test('returns 0 for equal strings', () => {
    assert.equal(compareStrings('same', 'same'), 0);
  });
});
