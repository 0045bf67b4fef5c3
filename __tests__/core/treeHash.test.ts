import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { isExecutable, treeHash, type TreeEntry } from '../../src/core/treeHash.js';

const emptySha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const foxSha256 = 'd7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592';

// Expected hashes were computed once with python3:
//   hashlib.sha256(json.dumps(rows, separators=(',', ':'), ensure_ascii=False).encode('utf-8')).hexdigest()
// over the JSON text quoted above each vector.
describe('treeHash golden vectors', () => {
  test('no files', () => {
    // printf '%s' '[]' | sha256sum
    assert.equal(treeHash([]), '4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945');
  });

  test('entries given unsorted, with 0o644, 0o755 and 0o744 modes', () => {
    // [["README.md",11,"d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592",0],["bin/run",0,"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",1],["bin/tool",43,"d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592",1]]
    const entries: TreeEntry[] = [
      { path: 'bin/tool', size: 43, sha256: foxSha256, mode: 0o744 },
      { path: 'README.md', size: 11, sha256: foxSha256, mode: 0o644 },
      { path: 'bin/run', size: 0, sha256: emptySha256, mode: 0o755 },
    ];
    assert.equal(treeHash(entries), 'b4fe94d684dbad5ca769ad1ed0bb7e1b1a786741ee4f2b1c4bee62f038553851');
  });

  test('names sorted in JavaScript (UTF-16) order, every execute bit counted', () => {
    // "😀" (U+D83D…) sorts before "ｱ" (U+FF71) in UTF-16 order, after it in code-point order.
    // [["B",1,"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",0],["_",2,"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",1],["a",3,"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",0],["é",4,"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",1],["😀",5,"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",0],["ｱ",6,"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",1]]
    const entries: TreeEntry[] = [
      { path: 'ｱ', size: 6, sha256: emptySha256, mode: 0o100 },
      { path: 'é', size: 4, sha256: emptySha256, mode: 0o744 },
      { path: 'a', size: 3, sha256: emptySha256, mode: 0o600 },
      { path: '😀', size: 5, sha256: emptySha256, mode: 0o640 },
      { path: '_', size: 2, sha256: emptySha256, mode: 0o755 },
      { path: 'B', size: 1, sha256: emptySha256, mode: 0o644 },
    ];
    assert.equal(treeHash(entries), 'c9a1a64cd9502e1459352fdff40eff3249a6e88d262f8dc1ad2ed0038e311c4f');
  });
});

describe('treeHash properties', () => {
  const base: TreeEntry[] = [
    { path: 'a.txt', size: 11, sha256: foxSha256, mode: 0o644 },
    { path: 'sub/b.bin', size: 0, sha256: emptySha256, mode: 0o755 },
  ];
  const baseHash = treeHash(base);

  test('input order does not matter and the input is not reordered', () => {
    const reversed = [...base].reverse();
    assert.equal(treeHash(reversed), baseHash);
    assert.equal(reversed[0]!.path, 'sub/b.bin');
  });

  test('mode bits other than execute do not matter', () => {
    assert.equal(treeHash([{ ...base[0]!, mode: 0o600 }, { ...base[1]!, mode: 0o4711 }]), baseHash);
  });

  const changes: [string, TreeEntry[]][] = [
    ['a path', [{ ...base[0]!, path: 'A.txt' }, base[1]!]],
    ['a size', [{ ...base[0]!, size: 12 }, base[1]!]],
    ['a sha256', [{ ...base[0]!, sha256: emptySha256 }, base[1]!]],
    ['an execute bit', [{ ...base[0]!, mode: 0o645 }, base[1]!]],
    ['a removed file', [base[0]!]],
  ];
  for (const [part, changed] of changes) {
    test(`changing ${part} changes the hash`, () => {
      assert.notEqual(treeHash(changed), baseHash);
    });
  }
});

describe('isExecutable', () => {
  test('any one execute bit makes a file executable', () => {
    assert.deepEqual(
      [0o755, 0o744, 0o100, 0o010, 0o001, 0o100755].map(isExecutable),
      [true, true, true, true, true, true],
    );
  });

  test('no execute bit means not executable', () => {
    assert.deepEqual([0o644, 0o600, 0o666, 0o000, 0o4666, 0o100644].map(isExecutable), [false, false, false, false, false, false]);
  });
});
