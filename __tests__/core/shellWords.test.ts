import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { UsageError } from '../../src/core/errors.js';
import { shellWords } from '../../src/core/shellWords.js';

describe('shellWords splits a script line as Python shlex.split (POSIX) does', () => {
  test.each([
    ['python -m spacy train configs/config.cfg --output training/', ['python', '-m', 'spacy', 'train', 'configs/config.cfg', '--output', 'training/']],
    ["  echo   'a  b'  ", ['echo', 'a  b']],
    ['echo "a \\"b\\" $c \\x"', ['echo', 'a "b" $c \\x']],
    ["echo a\\ b c''d \"\"", ['echo', 'a b', 'cd', '']],
    ["sh -c 'echo 1 && echo 2 | tr 1 3 > out.txt'", ['sh', '-c', 'echo 1 && echo 2 | tr 1 3 > out.txt']],
    ['echo # not a comment', ['echo', '#', 'not', 'a', 'comment']],
    ['', []],
  ])('%j', (line, words) => {
    assert.deepEqual(shellWords(line), words);
  });

  test('an unclosed quote is an error naming the line', () => {
    assert.throws(() => shellWords("echo 'open"), (error: unknown) => error instanceof UsageError && /single quote that is never closed/.test(error.message));
    assert.throws(() => shellWords('echo "open'), /double quote that is never closed/);
  });
});
