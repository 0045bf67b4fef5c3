import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { readFile, truncate, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, jest, test } from '@jest/globals';
import { sha256OfFilesCached } from '../../src/hashing/cachedHashing.js';
import { HashCache } from '../../src/hashing/hashCache.js';
import { headerSize, recordSize } from '../../src/hashing/hashCacheRecord.js';
import { filesOpenedForHashing } from '../../src/hashing/hashFileAccess.js';
import { closeHashPool } from '../../src/hashing/hashPool.js';
import { stampOfEntry } from '../../src/hashing/fileStamp.js';
import { withTemporaryDirectory } from '../core/temporaryDirectory.js';
import { folderContents, oldFiles, writeOldFile } from './hashCacheHelpers.js';

afterAll(closeHashPool);

const here = dirname(fileURLToPath(import.meta.url));


/** A folder holding one base made from the files' digests. */
async function cachedFolder(directory: string, paths: readonly string[]): Promise<string> {
  const folder = join(directory, 'cache');
  const cache = new HashCache(folder, { journalsBeforeMerge: 1 });
  await sha256OfFilesCached(paths, cache);
  cache.flush();
  const names = readdirSync(folder);
  assert.deepEqual(names.filter((name) => name.startsWith('base-')).length, 1, names.join(' '));
  return folder;
}

function baseOf(folder: string): string {
  return join(folder, readdirSync(folder).find((name) => name.startsWith('base-'))!);
}

/** Hashes through a fresh cache on the folder: how many files were read, and whether every digest is right. */
async function readThrough(folder: string, paths: readonly string[], digests: readonly string[]): Promise<{ opened: number; cache: HashCache }> {
  const cache = new HashCache(folder, { journalsBeforeMerge: 1 });
  const before = filesOpenedForHashing();
  const found = await sha256OfFilesCached(paths, cache);
  assert.deepEqual(found.map((digest) => digest.sha256), digests, 'every digest is the file\'s own');
  return { opened: filesOpenedForHashing() - before, cache };
}

describe('a damaged cache file is ignored and rebuilt', () => {
  test('cut short: the whole records before the cut are used, the rest read again, and the base rebuilt whole', async () => {
    await withTemporaryDirectory(async (directory) => {
      const { paths, digests } = await oldFiles(join(directory, 'files'), 10);
      const folder = await cachedFolder(directory, paths);
      await truncate(baseOf(folder), headerSize + 6 * recordSize + 50);
      const { opened, cache } = await readThrough(folder, paths, digests);
      assert.equal(opened, 4);
      cache.flush();
      const contents = folderContents(folder);
      assert.deepEqual(contents.files.map(({ header, partial, records, intact }) => ({ header, partial, whole: records === intact })), [{ header: true, partial: false, whole: true }]);
      assert.equal(contents.readable, 10);
      assert.equal((await readThrough(folder, paths, digests)).opened, 0);
    });
  });

  test('one flipped byte: that record is never trusted, even where it names the file exactly', async () => {
    await withTemporaryDirectory(async (directory) => {
      const { paths, digests } = await oldFiles(join(directory, 'files'), 10);
      const folder = await cachedFolder(directory, paths);
      const base = await readFile(baseOf(folder));
      // A byte of the third record's sha256: the stamp still matches its file.
      base[headerSize + 2 * recordSize + 60]! ^= 0x01;
      await writeFile(baseOf(folder), base);
      const { opened, cache } = await readThrough(folder, paths, digests);
      assert.equal(opened, 1);
      cache.flush();
      const contents = folderContents(folder);
      assert.ok(contents.files.every((file) => file.header && file.records === file.intact), JSON.stringify(contents.files));
      assert.equal((await readThrough(folder, paths, digests)).opened, 0);
    });
  });

  test('garbage in place of a base or a journal: skipped whole, and replaced by the next merge', async () => {
    await withTemporaryDirectory(async (directory) => {
      const { paths, digests } = await oldFiles(join(directory, 'files'), 10);
      const folder = await cachedFolder(directory, paths);
      await writeFile(baseOf(folder), randomBytes(16 + 10 * recordSize));
      await writeFile(join(folder, 'journal-1-000000000000'), randomBytes(3000));
      await writeFile(join(folder, 'base-99'), 'not a cache file at all\n');
      const { opened, cache } = await readThrough(folder, paths, digests);
      assert.equal(opened, 10);
      cache.flush();
      const contents = folderContents(folder);
      assert.deepEqual(contents.files.map((file) => file.name), ['base-100']);
      assert.equal(contents.readable, 10);
      assert.equal((await readThrough(folder, paths, digests)).opened, 0);
    });
  });
});

describe('the size bound', () => {
  test('the folder never holds much more than the bound, and the most recently used stay', async () => {
    await withTemporaryDirectory(async (directory) => {
      const limit = 64;
      const folder = join(directory, 'cache');
      const tenDaysAgo = Date.now() - 10 * 86_400_000;
      // Last written before the clock below, or the racy rule would keep them out.
      const old = await oldFiles(join(directory, 'old'), 100, 'old', new Date(tenDaysAgo - 86_400_000));
      const recent = await oldFiles(join(directory, 'recent'), limit, 'recent');
      const clock = jest.spyOn(Date, 'now').mockReturnValue(tenDaysAgo);
      try {
        for (let start = 0; start < 100; start += 20) {
          const cache = new HashCache(folder, { limit });
          await sha256OfFilesCached(old.paths.slice(start, start + 20), cache);
          cache.flush();
          assert.ok(folderContents(folder).readable <= limit + limit / 8 + 20, `${folderContents(folder).readable} records`);
        }
      } finally {
        clock.mockRestore();
      }
      const cache = new HashCache(folder, { limit });
      await sha256OfFilesCached(recent.paths, cache);
      cache.flush();
      const contents = folderContents(folder);
      assert.ok(contents.readable <= limit, `${contents.readable} records after the merge`);
      assert.equal((await readThrough(folder, recent.paths, recent.digests)).opened, 0, 'the recently used are kept');
    });
  });
});

describe('merging', () => {
  test('a generation claimed by a merge still writing it holds the next merge back; an abandoned claim does not', async () => {
    await withTemporaryDirectory(async (directory) => {
      const { paths, digests } = await oldFiles(join(directory, 'files'), 6);
      const folder = await cachedFolder(directory, paths.slice(0, 3));
      const generation = Number(baseOf(folder).split('base-')[1]);
      const claimed = join(folder, `base-${generation + 1}`);
      await writeFile(claimed, '');
      const writer = new HashCache(folder, { journalsBeforeMerge: 1 });
      await sha256OfFilesCached(paths, writer);
      writer.flush();
      const waiting = Array.from(readdirSync(folder)).sort();
      assert.ok(waiting.some((name) => name.startsWith('journal-')), `no merge while the claim is fresh: ${waiting.join(' ')}`);
      assert.equal((await readThrough(folder, paths, digests)).opened, 0, 'readers pass over the empty claim');

      const longAgo = new Date(Date.now() - 3_600_000);
      await utimes(claimed, longAgo, longAgo);
      const next = new HashCache(folder, { journalsBeforeMerge: 1 });
      next.flush();
      // Nothing new to write, so no merge either: a flush with nothing learned leaves the folder be.
      assert.deepEqual(Array.from(readdirSync(folder)).sort(), waiting);
      const merger = new HashCache(folder, { journalsBeforeMerge: 1 });
      await writeOldFile(join(directory, 'files', 'extra.txt'), 'extra\n');
      await sha256OfFilesCached([join(directory, 'files', 'extra.txt')], merger);
      merger.flush();
      assert.deepEqual(Array.from(readdirSync(folder)).sort(), [`base-${generation + 2}`]);
      assert.equal((await readThrough(folder, paths, digests)).opened, 0);
    });
  });

  test('processes writing at once lose nothing and corrupt nothing', async () => {
    await withTemporaryDirectory(async (directory) => {
      const folder = join(directory, 'cache');
      const writers = 4;
      const sets = await Promise.all(Array.from({ length: writers }, (_, writer) => oldFiles(join(directory, `writer-${writer}`), 150, `w${writer}`)));
      const children = sets.map(async ({ paths }, writer) => {
        const list = join(directory, `list-${writer}.json`);
        await writeFile(list, JSON.stringify(paths));
        return new Promise<string>((resolve, reject) => {
          const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'hashCacheWriter.ts'), folder, list, '6'], { stdio: ['ignore', 'ignore', 'pipe'] });
          let errors = '';
          child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
          child.once('error', reject);
          child.once('close', (code) => (code === 0 ? resolve(errors) : reject(new Error(`writer ${writer} exited with ${code}: ${errors}`))));
        });
      });
      await Promise.all(children);
      const contents = folderContents(folder);
      assert.ok(contents.files.every((file) => file.header && !file.partial && file.records === file.intact), JSON.stringify(contents.files));
      assert.ok(contents.files.some((file) => file.name.startsWith('base-')), 'the writers merged');
      const all = sets.flatMap((set) => set.paths);
      const { opened, cache } = await readThrough(folder, all, sets.flatMap((set) => set.digests));
      assert.equal(opened, 0, 'every file any writer hashed is known');
      assert.equal(cache.statistics.hits, all.length);
      assert.ok(all.every((path) => stampOfEntry(path) !== undefined));
    });
  });
});
