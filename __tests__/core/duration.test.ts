import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { durationText, durationWords, parseDuration } from '../../src/core/duration.js';
import { UsageError } from '../../src/core/errors.js';

test('a whole number and a unit: seconds, minutes, hours, days', () => {
  assert.equal(parseDuration('30d', '--older-than'), 30 * 86_400_000);
  assert.equal(parseDuration('12h', '--older-than'), 12 * 3_600_000);
  assert.equal(parseDuration('15m', '--grace'), 15 * 60_000);
  assert.equal(parseDuration('0s', '--grace'), 0);
  assert.equal(parseDuration(' 90s ', '--grace'), 90_000);
});

test('anything else is refused with the forms that work, naming the option', () => {
  for (const text of ['30', '1.5h', '2w', '-1d', 'd', '', '1 h', '1H', '10y', '0x10s', '99999999999999d']) {
    assert.throws(() => parseDuration(text, '--older-than'), (error: Error) => {
      assert.ok(error instanceof UsageError, text);
      assert.match(error.message, new RegExp(`^--older-than is "${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}", which is not a duration: give a whole number and a unit, s, m, h or d \\(30d, 12h, 15m, 0s\\)`));
      return true;
    });
  }
  assert.throws(() => parseDuration('40000d', '--grace'), /of at most 36500d/);
});

test('durations are shown in the largest unit that divides them', () => {
  assert.equal(durationText(3_600_000), '1h');
  assert.equal(durationText(90 * 60_000), '90m');
  assert.equal(durationText(2 * 86_400_000), '2d');
  assert.equal(durationText(0), '0s');
  assert.equal(durationText(1500), '2s');
  assert.equal(durationWords(3_600_000), '1 hour');
  assert.equal(durationWords(30 * 86_400_000), '30 days');
  assert.equal(durationWords(0), '0 seconds');
});
