import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { UsageError } from '../../src/core/errors.js';
import { checkSavableNames } from '../../src/core/savableNames.js';

function assertRefused(paths: string[], message: RegExp): void {
  assert.throws(() => checkSavableNames('output "out"', paths), (error: Error) => error instanceof UsageError && message.test(error.message), JSON.stringify(paths));
}

describe('checkSavableNames', () => {
  test('accepts what every restore accepts', () => {
    assert.doesNotThrow(() => checkSavableNames('output "out"', ['a.txt', 'dir/b.bin', '.hidden', 'é', 'データ/模型.bin', 'a b', 'ß', 'README', 'readme.md']));
    assert.doesNotThrow(() => checkSavableNames('output "out"', []));
  });

  test('refuses control characters, naming the output and the file with the character escaped', () => {
    assertRefused(['ok.txt', 'tab\tname.txt'], /^output "out" cannot be saved: file path "tab\\u0009name\.txt" contains a NUL or control character, which no restore accepts: rename it$/);
    assertRefused(['line\nbreak'], /"line\\u000abreak" contains a NUL or control character/);
    assertRefused(['escape\u001b[31m'], /"escape\\u001b\[31m" contains a NUL or control character/);
    assertRefused(['del\u007f'], /"del\\u007f" contains a NUL or control character/);
  });

  test('refuses backslashes and drive letters, which restore refuses on every system', () => {
    assertRefused(['dir/a\\b.txt'], /"dir\/a\\b\.txt" contains a backslash/);
    assertRefused(['C:evil'], /"C:evil" starts with a drive letter/);
  });

  test('refuses two names that differ only in case, naming both', () => {
    assertRefused(['README', 'readme'], /^output "out" cannot be saved: it holds both "README" and "readme", one name on a file system that ignores case or Unicode normalization \(macOS, Windows\), so no restore accepts it: rename one of them$/);
  });

  test('refuses two normalizations of one name, showing the code points that differ', () => {
    const composed = 'caf\u00e9';
    const decomposed = 'cafe\u0301';
    assertRefused([`docs/${composed}.txt`, `docs/${decomposed}.txt`], new RegExp(`holds both "docs/${composed}\\.txt" \\(U\\+00E9\\) and "docs/${decomposed}\\.txt" \\(U\\+0065 U\\+0301\\)`));
  });

  test('refuses a file whose name is also used as a folder in another case', () => {
    assertRefused(['Data', 'data/x.txt'], /holds "Data" as a file and "data\/x\.txt" inside a folder of the same name/);
  });
});
