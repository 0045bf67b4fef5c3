import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { formatBytes, formatDuration } from '../../src/report/units.js';

test('sizes move up a unit where the shown number would reach 1024', () => {
  const cases: [number, string][] = [
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.00 KiB'],
    [18_022, '17.6 KiB'],
    [1_048_575, '1.00 MiB'],
    [5 * 1024 * 1024, '5.00 MiB'],
    [1024 ** 3, '1.00 GiB'],
    [1024 ** 5, '1024 TiB'.replace('1024', '1024.0')],
  ];
  for (const [bytes, shown] of cases) assert.equal(formatBytes(bytes), shown, String(bytes));
});

test('durations never show 60 seconds or 1000 milliseconds', () => {
  const cases: [number, string][] = [
    [0, '0 ms'],
    [999.4, '999 ms'],
    [999.6, '1.0 s'],
    [59_949, '59.9 s'],
    [59_999, '1 min 0 s'],
    [119_600, '2 min 0 s'],
    [3_723_000, '62 min 3 s'],
  ];
  for (const [milliseconds, shown] of cases) assert.equal(formatDuration(milliseconds), shown, String(milliseconds));
});
