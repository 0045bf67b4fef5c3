import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, test } from '@jest/globals';
import { mapConcurrently } from '../../src/core/mapConcurrently.js';

describe('mapConcurrently', () => {
  test('keeps input order when calls finish out of order', async () => {
    const delays = [30, 5, 20, 0, 10, 25, 1];
    const results = await mapConcurrently(delays, 3, async (delay, index) => {
      await sleep(delay);
      return `${index}:${delay}`;
    });
    assert.deepEqual(results, ['0:30', '1:5', '2:20', '3:0', '4:10', '5:25', '6:1']);
  });

  test('never has more than `limit` calls in flight, and reaches the limit', async () => {
    let inFlight = 0;
    let most = 0;
    const items = Array.from({ length: 20 }, (_, index) => index);
    const results = await mapConcurrently(items, 4, async (item) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await sleep(item % 3);
      inFlight--;
      return item * 2;
    });
    assert.equal(most, 4);
    assert.equal(inFlight, 0);
    assert.deepEqual(results, items.map((item) => item * 2));
  });

  test('a limit above the item count runs every item at once', async () => {
    let inFlight = 0;
    let most = 0;
    await mapConcurrently([1, 2, 3], 100, async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await sleep(5);
      inFlight--;
    });
    assert.equal(most, 3);
  });

  test('no items gives no results and no calls', async () => {
    let calls = 0;
    assert.deepEqual(
      await mapConcurrently([], 4, async () => {
        calls++;
      }),
      [],
    );
    assert.equal(calls, 0);
  });

  test('rethrows the first error, waits for calls in flight and starts no new ones', async () => {
    const started: number[] = [];
    const settled: number[] = [];
    const items = Array.from({ length: 10 }, (_, index) => index);
    await assert.rejects(
      mapConcurrently(items, 3, async (item) => {
        started.push(item);
        try {
          if (item === 1) {
            await sleep(5);
            throw new Error('first failure at 1');
          }
          if (item === 2) {
            await sleep(15);
            throw new Error('second failure at 2');
          }
          await sleep(10);
          return item;
        } finally {
          settled.push(item);
        }
      }),
      (error: Error) => error.message === 'first failure at 1',
    );
    // Items 0, 1 and 2 start together; item 1 fails before any of them frees a slot.
    assert.deepEqual(started, [0, 1, 2]);
    assert.deepEqual([...settled].sort(), [0, 1, 2]);
  });

  test('a synchronous throw in the mapper is rethrown', async () => {
    await assert.rejects(
      mapConcurrently([1, 2], 2, (item) => {
        if (item === 2) throw new RangeError('sync failure');
        return Promise.resolve(item);
      }),
      RangeError,
    );
  });

  test('a limit that is not a whole number ≥ 1 is refused before anything runs', async () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) {
      let called = false;
      await assert.rejects(mapConcurrently([1, 2], limit, async (item) => ((called = true), item)), RangeError, String(limit));
      assert.equal(called, false);
    }
  });
});
