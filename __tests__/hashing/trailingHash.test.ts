import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from '@jest/globals';
import { TrailingHash } from '../../src/hashing/trailingHash.js';
import { withTemporaryDirectory } from '../core/temporaryDirectory.js';

describe('TrailingHash', () => {
  test('hashes a file written in parts out of order, trailing the gapless prefix', async () => {
    await withTemporaryDirectory(async (directory) => {
      const bytes = randomBytes(5 * 1024 * 1024 + 333);
      const path = join(directory, 'parts.bin');
      const handle = await open(path, 'wx');
      const hash = new TrailingHash(path);
      const partSize = 1024 * 1024 + 7;
      const starts = Array.from({ length: Math.ceil(bytes.length / partSize) }, (_, index) => index * partSize);
      // The last part first, then the rest in order: the prefix grows only once the first part lands.
      const last = starts.length - 1;
      for (const index of [last, ...starts.keys()].slice(0, starts.length)) {
        const start = starts[index]!;
        await handle.write(bytes, start, Math.min(partSize, bytes.length - start), start);
        hash.written(index === last ? 0 : index === last - 1 ? bytes.length : start + partSize);
      }
      await handle.close();
      assert.equal(await hash.digest(bytes.length), createHash('sha256').update(bytes).digest('hex'));
    });
  });

  test('a file shorter than the size given fails, naming the file', async () => {
    await withTemporaryDirectory(async (directory) => {
      const path = join(directory, 'short.bin');
      const handle = await open(path, 'wx');
      await handle.write(randomBytes(1000));
      await handle.close();
      const hash = new TrailingHash(path);
      await assert.rejects(hash.digest(2000), (error: Error) => error.message.includes(path) && /ended at 1000 bytes/.test(error.message));
    });
  });
});
