import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { printable } from '../../src/core/printable.js';

describe('printable', () => {
  test('a forged workflow command and terminal escape codes stay on one visible line', () => {
    const shown = printable('denied\n::error::forged\r\n\u001b[2J\u009b31m\u2028::warning::x');
    assert.equal(shown, 'denied\\u000a::error::forged\\u000d\\u000a\\u001b[2J\\u009b31m\\u2028::warning::x');
  });

  test('bidirectional marks, overrides and isolates are made visible', () => {
    assert.equal(printable('a\u200eb\u200fc\u061cd\u202ee\u2067f'), 'a\\u200eb\\u200fc\\u061cd\\u202ee\\u2067f');
  });

  test('a line of JSON stays JSON that parses to the raw value', () => {
    const value = { reason: 'a\u2028b\u0085c\u202ed\n\u001b', path: 'é😀' };
    const lines = JSON.stringify(value, null, 2).split('\n').map(printable);
    assert.deepEqual(JSON.parse(lines.join('\n')), value);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    assert.ok(lines.every((line) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202e]/.test(line)));
  });
});
