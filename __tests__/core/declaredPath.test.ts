import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from '@jest/globals';
import { resolveDeclaredPath } from '../../src/core/declaredPath.js';
import { printable } from '../../src/core/printable.js';
import { UsageError } from '../../src/core/errors.js';

// resolveDeclaredPath is pure path arithmetic; the directory need not exist.
const workingDirectory = '/srv/work/project';

describe('resolveDeclaredPath', () => {
  test('`model/`, `./model`, `model` and ` model ` give one relative path', () => {
    for (const raw of ['model/', './model', 'model', ' model ', './model/', 'model//', 'other/../model', join(workingDirectory, 'model')]) {
      assert.deepEqual(resolveDeclaredPath(workingDirectory, raw, 'output'), { relative: 'model', absolute: '/srv/work/project/model' }, raw);
    }
  });

  test('a nested path keeps `/` separators', () => {
    assert.deepEqual(resolveDeclaredPath(workingDirectory, './training/model-best/', 'output'), {
      relative: 'training/model-best',
      absolute: '/srv/work/project/training/model-best',
    });
  });

  test('a name that only starts with dots is inside', () => {
    assert.equal(resolveDeclaredPath(workingDirectory, '..data', 'output').relative, '..data');
  });

  test('a relative path that leaves the working directory is an error naming it', () => {
    for (const raw of ['../model', '..', 'a/../../model', '../project-sibling/model']) {
      assert.throws(
        () => resolveDeclaredPath(workingDirectory, raw, 'output'),
        (error: Error) => error instanceof UsageError && error.message.startsWith(`output "${raw}" is outside the working directory ${workingDirectory}`),
        raw,
      );
    }
  });

  test('an absolute path outside the working directory is an error naming it', () => {
    assert.throws(() => resolveDeclaredPath(workingDirectory, '/etc/passwd', 'dep'), /^UsageError: dep "\/etc\/passwd" is outside the working directory/);
    assert.throws(() => resolveDeclaredPath(workingDirectory, '/srv/work/project-other/x', 'dep'), /dep "\/srv\/work\/project-other\/x" is outside the working directory/);
  });

  test('the working directory itself is refused', () => {
    for (const raw of ['.', './', workingDirectory]) {
      assert.throws(() => resolveDeclaredPath(workingDirectory, raw, 'output'), UsageError, raw);
    }
  });

  test('an empty or blank path is an error', () => {
    for (const raw of ['', '   ']) {
      assert.throws(() => resolveDeclaredPath(workingDirectory, raw, 'output'), /output is empty/);
    }
  });

  test('a NUL byte is an error, shown escaped', () => {
    assert.throws(() => resolveDeclaredPath(workingDirectory, 'a\0b', 'dep'), /dep "a\\u0000b" contains a NUL byte/);
  });

  test('a control character in a path outside the working directory is shown escaped, so it cannot forge a log line', () => {
    assert.throws(
      () => resolveDeclaredPath(workingDirectory, '../x\n::error::forged', 'dep'),
      (error: Error) => !error.message.includes('\n') && error.message.includes('\\u000a'),
    );
  });

  test('the working directory itself is refused with a message that says so', () => {
    assert.throws(() => resolveDeclaredPath(workingDirectory, '.', 'dep'), /dep "\." is the working directory itself/);
  });
});

describe('printable', () => {
  test('escapes control characters and leaves other text alone', () => {
    assert.equal(printable('a\nb\tc\u007fd\u0000é😀'), 'a\\u000ab\\u0009c\\u007fd\\u0000é😀');
  });
});
