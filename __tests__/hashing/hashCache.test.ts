import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, link, mkdir, rename, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, test } from '@jest/globals';
import { closeHashPool } from '../../src/hashing/hashPool.js';
import { HashCache } from '../../src/hashing/hashCache.js';
import { digestsOfFilesCached, sha256OfFilesCached } from '../../src/hashing/cachedHashing.js';
import { type FileStamp, stampOfEntry } from '../../src/hashing/fileStamp.js';
import { closeHashCache, currentHashCache, useHashCache } from '../../src/hashing/processHashCache.js';
import { isSettled } from '../../src/hashing/settledStamp.js';
import { withTemporaryDirectory } from '../core/temporaryDirectory.js';
import { filesOpenedBy, oldFiles, writeOldFile } from './hashCacheHelpers.js';

afterAll(closeHashPool);

const sha256 = (content: string | Uint8Array): string => createHash('sha256').update(content).digest('hex');



describe('the hash cache', () => {
  test('a file it knows in its present state is not read again, by this process or the next', async () => {
    await withTemporaryDirectory(async (directory) => {
      const { paths, contents } = await oldFiles(join(directory, 'files'), 20);
      const cache = new HashCache(join(directory, 'cache'));
      let first: { size: number; sha256: string }[] = [];
      assert.equal(await filesOpenedBy(async () => (first = await sha256OfFilesCached(paths, cache))), 20);
      assert.deepEqual(first.map((digest) => digest.sha256), contents.map(sha256));
      let second: { size: number; sha256: string }[] = [];
      assert.equal(await filesOpenedBy(async () => (second = await sha256OfFilesCached(paths, cache))), 0);
      assert.deepEqual(second, first);
      assert.deepEqual(cache.statistics, { hits: 20, misses: 20, remembered: 20 });
      cache.flush();

      const next = new HashCache(join(directory, 'cache'));
      let third: { size: number; sha256: string }[] = [];
      assert.equal(await filesOpenedBy(async () => (third = await sha256OfFilesCached(paths, next))), 0);
      assert.deepEqual(third, first);
      assert.equal(next.statistics.hits, 20);
    });
  });

  test('md5 and sha1 are read for where only the sha256 is known, and then known too', async () => {
    await withTemporaryDirectory(async (directory) => {
      const { paths, contents } = await oldFiles(join(directory, 'files'), 3);
      const cache = new HashCache(join(directory, 'cache'));
      await sha256OfFilesCached(paths, cache);
      let digests: { md5: string; sha1: string; sha256: string }[] = [];
      assert.equal(await filesOpenedBy(async () => (digests = await digestsOfFilesCached(paths, cache))), 3);
      assert.deepEqual(digests.map((digest) => digest.md5), contents.map((content) => createHash('md5').update(content).digest('hex')));
      assert.equal(await filesOpenedBy(() => digestsOfFilesCached(paths, cache)), 0);
      assert.equal(await filesOpenedBy(() => sha256OfFilesCached(paths, cache)), 0);
      const again = await digestsOfFilesCached(paths, cache);
      assert.deepEqual(again.map((digest) => digest.sha1), contents.map((content) => createHash('sha1').update(content).digest('hex')));
    });
  });

  test('a change in any key of the stamp is a miss', async () => {
    await withTemporaryDirectory(async (directory) => {
      const cache = new HashCache(join(directory, 'cache'));
      const stamp: FileStamp = { dev: 2049n, ino: 1234567n, size: 42n, mtimeNs: 1_700_000_000_123_456_789n, ctimeNs: 1_700_000_000_123_456_789n };
      cache.remember(stamp, { sha256: sha256('x') }, Date.now());
      assert.equal(cache.lookup(stamp, false)?.sha256, sha256('x'));
      for (const key of ['dev', 'ino', 'size', 'mtimeNs', 'ctimeNs'] as const) {
        assert.equal(cache.lookup({ ...stamp, [key]: stamp[key] + 1n }, false), undefined, key);
        assert.equal(cache.lookup({ ...stamp, [key]: stamp[key] - 1n }, false), undefined, key);
      }
      // Keys that only differ above 32 bits, as 64-bit inodes and nanosecond times do.
      assert.equal(cache.lookup({ ...stamp, ino: stamp.ino + (1n << 40n) }, false), undefined);
      assert.equal(cache.lookup({ ...stamp, mtimeNs: stamp.mtimeNs + (1n << 40n) }, false), undefined);
    });
  });

  test('a file rewritten at its size with its mtime set back is read again: its ctime moved', async () => {
    await withTemporaryDirectory(async (directory) => {
      const path = join(directory, 'weights.bin');
      await writeOldFile(path, 'version one\n');
      const cache = new HashCache(join(directory, 'cache'));
      assert.equal((await sha256OfFilesCached([path], cache))[0]!.sha256, sha256('version one\n'));
      await writeOldFile(path, 'version two\n');
      let digest = '';
      assert.equal(await filesOpenedBy(async () => (digest = (await sha256OfFilesCached([path], cache))[0]!.sha256)), 1);
      assert.equal(digest, sha256('version two\n'));
    });
  });

  test('a file replaced by another of the same size and mtime is read again: its inode is another', async () => {
    await withTemporaryDirectory(async (directory) => {
      const path = join(directory, 'weights.bin');
      await writeOldFile(path, 'version one\n');
      const cache = new HashCache(join(directory, 'cache'));
      await sha256OfFilesCached([path], cache);
      await writeOldFile(join(directory, 'replacement'), 'version two\n');
      await rename(join(directory, 'replacement'), path);
      assert.equal((await sha256OfFilesCached([path], cache))[0]!.sha256, sha256('version two\n'));
    });
  });

  test('the racy rule: a file modified within 2 s of hashing is read, but not remembered', async () => {
    await withTemporaryDirectory(async (directory) => {
      const path = join(directory, 'fresh.txt');
      const cache = new HashCache(join(directory, 'cache'));
      // An mtime in whole seconds, as ext3, HFS+ and FAT keep it: only the 2 s window can settle it.
      for (const [secondsBack, remembered] of [[1, false], [4, true]] as const) {
        await writeFile(path, `${secondsBack} s back\n`);
        const mtime = Math.ceil(Date.now() / 1000) - secondsBack;
        await utimes(path, mtime, mtime);
        assert.equal(stampOfEntry(path)!.mtimeNs % 1_000_000_000n, 0n);
        assert.equal(await filesOpenedBy(() => sha256OfFilesCached([path], cache)), 1, `${secondsBack} s: hashed`);
        assert.equal(await filesOpenedBy(() => sha256OfFilesCached([path], cache)), remembered ? 0 : 1, `${secondsBack} s: remembered is ${remembered}`);
      }
    });
  });

  test('what settles a stamp: an mtime 2 s old, or a later ctime where the file system stamps below the millisecond', () => {
    const now = 1_800_000_000_000;
    const at = (milliseconds: number, extraNs = 0n): bigint => BigInt(milliseconds) * 1_000_000n + extraNs;
    const stamp = (mtimeNs: bigint, ctimeNs: bigint): FileStamp => ({ dev: 1n, ino: 1n, size: 1n, mtimeNs, ctimeNs });
    assert.equal(isSettled(stamp(at(now - 2001), at(now - 2001)), now), true);
    assert.equal(isSettled(stamp(at(now - 1999), at(now - 1999)), now), false);
    assert.equal(isSettled(stamp(at(now - 10, 123n), at(now - 10, 124n)), now), true);
    assert.equal(isSettled(stamp(at(now - 10, 123n), at(now - 10, 123n)), now), false);
    // Whole milliseconds or seconds (FAT, exFAT, ext3, HFS+): a later ctime may be a finer creation time.
    assert.equal(isSettled(stamp(at(now - 10), at(now)), now), false);
    assert.equal(isSettled(stamp(at(now - 1000), at(now)), now), false);
    // An mtime in the future is never settled.
    assert.equal(isSettled(stamp(at(now + 5000, 7n), at(now + 4000, 7n)), now), false);
  });
});

describe('files a restore verified', () => {
  test('a later file of the same staging folder settles the earlier ones; the last one is not remembered', async () => {
    await withTemporaryDirectory(async (directory) => {
      const staging = join(directory, 'staging');
      await mkdir(staging);
      const cache = new HashCache(join(directory, 'cache'));
      const paths = ['a', 'b', 'c'].map((name) => join(staging, name));
      // a and b last written a moment ago (to the sub-millisecond), c written last: its own ctime equals its mtime.
      for (const [index, path] of paths.slice(0, 2).entries()) {
        await writeFile(path, `file ${index}\n`);
        await utimes(path, 0, Date.now() / 1000 - 0.5 + index * 0.01 + 0.000_123_4);
      }
      await writeFile(paths[2]!, 'file 2\n');
      const stamps = paths.map((path) => stampOfEntry(path)!);
      assert.equal(stamps[2]!.ctimeNs, stamps[2]!.mtimeNs, 'one write stamps mtime and ctime alike');
      paths.forEach((path, index) => cache.noteWritten(path, stamps[index]!, sha256(`file ${index}\n`)));
      cache.expectAt(paths);
      cache.flush();
      assert.equal(cache.lookup(stamps[0]!, false)?.sha256, sha256('file 0\n'));
      assert.equal(cache.lookup(stamps[1]!, false)?.sha256, sha256('file 1\n'));
      assert.equal(cache.lookup(stamps[2]!, false), undefined);
    });
  });

  test('a verified file linked into place is remembered as it is there, with the ctime the link gave it', async () => {
    await withTemporaryDirectory(async (directory) => {
      const before = join(directory, 'before.txt');
      const after = join(directory, 'after.txt');
      await writeOldFile(before, 'present\n');
      const cache = new HashCache(join(directory, 'cache'));
      cache.noteVerified(stampOfEntry(before)!, sha256('present\n'), true);
      await link(before, after);
      await unlink(before);
      cache.expectAt([after]);
      cache.flush();
      const placed = stampOfEntry(after)!;
      assert.equal(cache.lookup(placed, false)?.sha256, sha256('present\n'));
    });
  });

  test('a file not settled when verified, or changed since, is not remembered', async () => {
    await withTemporaryDirectory(async (directory) => {
      const unsettled = join(directory, 'unsettled.txt');
      const changed = join(directory, 'changed.txt');
      await writeOldFile(unsettled, 'present\n');
      await writeOldFile(changed, 'present\n');
      const cache = new HashCache(join(directory, 'cache'));
      cache.noteVerified(stampOfEntry(unsettled)!, sha256('present\n'), false);
      cache.noteVerified(stampOfEntry(changed)!, sha256('present\n'), true);
      await appendFile(changed, 'more\n');
      cache.expectAt([unsettled, changed, join(directory, 'never-written')]);
      cache.flush();
      assert.equal(cache.statistics.remembered, 0);
      assert.equal(existsSync(join(directory, 'cache')), false, 'nothing learned, nothing written');
    });
  });
});

describe('the process\'s hash cache', () => {
  test('is the one the face chose, written when switched or closed', async () => {
    await withTemporaryDirectory(async (directory) => {
      const { paths } = await oldFiles(join(directory, 'files'), 2);
      const first = useHashCache(join(directory, 'first'));
      assert.equal(useHashCache(join(directory, 'first')), first);
      assert.equal(currentHashCache(), first);
      await sha256OfFilesCached(paths, currentHashCache());
      const second = useHashCache(join(directory, 'second'));
      assert.notEqual(second, first);
      assert.ok(existsSync(join(directory, 'first')), 'switching wrote what the first one learned');
      await sha256OfFilesCached(paths, currentHashCache());
      assert.equal(useHashCache(undefined), undefined);
      assert.ok(existsSync(join(directory, 'second')));
      assert.equal(currentHashCache(), undefined);
      closeHashCache();
      assert.equal(await filesOpenedBy(() => sha256OfFilesCached(paths, new HashCache(join(directory, 'first')))), 0);
    });
  });
});
