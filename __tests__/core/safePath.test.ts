import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { IntegrityError } from '../../src/core/errors.js';
import { checkDistinctPaths, checkManifestPath, findPathCollision, manifestPathProblem } from '../../src/core/safePath.js';

function assertRefused(path: unknown, message: RegExp): void {
  assert.throws(() => checkManifestPath(path), (error: Error) => error instanceof IntegrityError && message.test(error.message), JSON.stringify(path));
}

describe('checkManifestPath', () => {
  test('accepts normal relative paths and returns them unchanged', () => {
    for (const path of ['a', 'a.txt', 'dir/sub/file.bin', '.hidden', 'dir/.config', '..data', 'a..b', 'name with spaces', 'a-b_c~d']) {
      assert.equal(checkManifestPath(path), path);
    }
  });

  test('accepts Unicode paths', () => {
    for (const path of ['é', 'e\u0301', 'データ/模型.bin', '😀/ｱ', 'ümlaut/ß']) {
      assert.equal(checkManifestPath(path), path);
    }
  });

  test('accepts a segment of 255 bytes and a path of 4096 bytes', () => {
    const segment255 = 'x'.repeat(255);
    assert.equal(checkManifestPath(segment255), segment255);
    // 17 segments of 240 bytes and 16 separators make 4096 bytes.
    const path4096 = Array.from({ length: 17 }, () => 'y'.repeat(240)).join('/');
    assert.equal(Buffer.byteLength(path4096), 4096);
    assert.equal(checkManifestPath(path4096), path4096);
  });

  test('refuses a value that is not a string', () => {
    for (const value of [undefined, null, 3, ['a'], { path: 'a' }]) assertRefused(value, /not a string/);
  });

  test('refuses an empty path', () => {
    assertRefused('', /is empty/);
  });

  test('refuses absolute paths', () => {
    for (const path of ['/etc/passwd', '/', '//server/share']) assertRefused(path, /is absolute/);
  });

  test('refuses `..` in every position', () => {
    for (const path of ['..', '../a', 'a/..', 'a/../b', 'a/b/../../..']) assertRefused(path, /has a "\.\." segment/);
  });

  test('refuses `.` segments', () => {
    for (const path of ['.', './a', 'a/.', 'a/./b']) assertRefused(path, /has a "\." segment/);
  });

  test('refuses empty segments', () => {
    for (const path of ['a//b', 'a/', 'a/b/']) assertRefused(path, /has an empty segment/);
  });

  test('refuses backslashes', () => {
    for (const path of ['a\\b', '..\\evil', '\\\\server\\share']) assertRefused(path, /contains a backslash/);
  });

  test('refuses drive letters', () => {
    for (const path of ['C:', 'C:/Windows', 'c:evil', 'z:/x']) assertRefused(path, /starts with a drive letter/);
  });

  test('refuses NUL and control characters', () => {
    for (const path of ['a\0b', '\0', 'a\nb', 'a\rb', 'a\tb', 'a\u001bb', 'a\u007fb', 'a\u0001']) {
      assertRefused(path, /contains a NUL or control character/);
    }
  });

  test('shows a control character escaped in the message', () => {
    assertRefused('bad\nname', /bad\\\\u000aname/);
  });

  test('refuses a path of 4097 bytes', () => {
    const path4097 = Array.from({ length: 17 }, () => 'y'.repeat(240)).join('/') + 'z';
    assert.equal(Buffer.byteLength(path4097), 4097);
    assertRefused(path4097, /longer than 4096 bytes/);
  });

  test('counts bytes, not characters', () => {
    // "é" is 2 bytes in UTF-8: 128 of them are 256 bytes in 128 characters.
    assertRefused('é'.repeat(128), /name longer than 255 bytes/);
    assert.equal(checkManifestPath('é'.repeat(127)), 'é'.repeat(127));
  });

  test('refuses a segment of 256 bytes anywhere', () => {
    const segment256 = 'x'.repeat(256);
    for (const path of [segment256, `a/${segment256}`, `${segment256}/a`]) assertRefused(path, /name longer than 255 bytes/);
  });
});

function assertNotDistinct(paths: string[], message: RegExp): void {
  assert.throws(() => checkDistinctPaths(paths), (error: Error) => error instanceof IntegrityError && message.test(error.message), JSON.stringify(paths));
}

describe('checkDistinctPaths', () => {
  test('accepts distinct paths, sharing directories', () => {
    assert.doesNotThrow(() => checkDistinctPaths([]));
    assert.doesNotThrow(() => checkDistinctPaths(['a/b', 'a/c', 'a/d/e', 'ab', 'a.txt', 'b/a', 'é', 'ß']));
  });

  test('refuses an exact duplicate, naming it', () => {
    assertNotDistinct(['x', 'dir/a.txt', 'dir/a.txt'], /names file "dir\/a\.txt" twice/);
  });

  test('refuses a case-folding duplicate, naming both', () => {
    assertNotDistinct(['A.txt', 'a.txt'], /"A\.txt" and "a\.txt"/);
    assertNotDistinct(['Dir/x', 'dir/X'], /"Dir\/x" and "dir\/X"/);
  });

  test('refuses a Unicode normalization duplicate', () => {
    const composed = '\u00e9';
    const decomposed = 'e\u0301';
    assert.notEqual(composed, decomposed);
    assertNotDistinct([composed, decomposed], /as both/);
    assertNotDistinct([`dir/${decomposed}.txt`, `dir/${composed}.txt`], /as both/);
  });

  test('refuses a path used both as a file and a directory, in either order', () => {
    assertNotDistinct(['a', 'a/b'], /uses "a" as both a file and a directory/);
    assertNotDistinct(['a/b/c', 'a/b'], /uses "a\/b" as both a file and a directory/);
    assertNotDistinct(['A', 'a/b'], /uses "A" as both a file and a directory/);
  });
});

describe('one rule for save and restore', () => {
  test('checkManifestPath refuses exactly what manifestPathProblem describes, with its words', () => {
    for (const path of ['', '/etc/passwd', 'a/../b', 'a\tb', 'a\\b', 'C:x', 'a//b', 'x'.repeat(256)]) {
      const problem = manifestPathProblem(path);
      assert.ok(problem !== undefined, JSON.stringify(path));
      assert.throws(() => checkManifestPath(path), (error: Error) => error instanceof IntegrityError && error.message === problem);
    }
    for (const path of ['a', 'dir/b.txt', 'é', 'README']) assert.equal(manifestPathProblem(path), undefined);
  });

  test('findPathCollision finds what checkDistinctPaths refuses', () => {
    assert.deepEqual(findPathCollision(['README', 'readme']), { kind: 'same-file', earlier: 'README', path: 'readme' });
    assert.deepEqual(findPathCollision(['A', 'a/b']), { kind: 'file-and-directory', earlier: 'A', path: 'a/b' });
    assert.equal(findPathCollision(['a/b', 'a/c', 'b']), undefined);
  });
});
