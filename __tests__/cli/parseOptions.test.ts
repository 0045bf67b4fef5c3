import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { UsageError } from '../../src/core/errors.js';
import { closestOption, parseOptions } from '../../src/cli/parseOptions.js';

const names = ['deps', 'outputs', 'env', 'key-extra', 'working-directory', 'command', 'remote', 'scope', 's3-endpoint', 's3-region', 's3-force-path-style', 'json', 'help'];

describe('closestOption', () => {
  test('finds the option a typo meant', () => {
    const typos: [string, string][] = [
      ['dep', 'deps'],
      ['output', 'outputs'],
      ['remtoe', 'remote'],
      ['comand', 'command'],
      ['jsno', 'json'],
      ['working-dir', 'working-directory'],
      ['s3-endpiont', 's3-endpoint'],
      ['Deps', 'deps'],
    ];
    for (const [typed, meant] of typos) assert.equal(closestOption(typed, names), meant, typed);
  });

  test('suggests nothing for a word that is far from every option, or that starts several', () => {
    for (const typed of ['frobnicate', 's3', 'x', 'verbose']) assert.equal(closestOption(typed, names), undefined, typed);
  });
});

describe('parseOptions', () => {
  const options = { deps: { type: 'string', multiple: true }, json: { type: 'boolean' } } as const;

  test('an unknown option is named with the closest real one, without advice to move it after --', () => {
    assert.throws(
      () => parseOptions(['--dep', 'x'], options, 'exec'),
      (error: Error) => error instanceof UsageError && error.message === 'unknown option --dep: did you mean --deps? (see stoat exec --help)',
    );
    assert.throws(
      () => parseOptions(['-q'], options, 'hash'),
      (error: Error) => error instanceof UsageError && error.message === 'unknown option -q: see stoat hash --help for the options',
    );
  });

  test('a missing value keeps parseArgs\' message, with where to look', () => {
    assert.throws(() => parseOptions(['--deps'], options, 'exec'), (error: Error) => error instanceof UsageError && /--deps.*argument missing: see stoat exec --help$/.test(error.message));
  });

  test('good arguments parse', () => {
    const parsed = parseOptions(['--deps', 'a', 'b', '--json'], options, 'exec');
    // parseArgs' objects and arrays come from Node's own realm, not the test's: compared as copies.
    assert.deepEqual([{ ...parsed.values, deps: [...(parsed.values.deps ?? [])] }, [...parsed.positionals]], [{ deps: ['a'], json: true }, ['b']]);
  });
});
