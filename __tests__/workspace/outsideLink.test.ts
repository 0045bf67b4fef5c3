import assert from 'node:assert/strict';
import { realpath, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from '@jest/globals';
import { findOutsideLink } from '../../src/workspace/outsideLink.js';
import { withTemporaryDirectory, writeFiles } from '../core/temporaryDirectory.js';

describe('findOutsideLink', () => {
  test('finds nothing on a path of real folders, whether it exists or not', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'work/model/a.bin': 'a' });
      const work = join(directory, 'work');
      assert.equal(await findOutsideLink(work, join(work, 'model')), undefined);
      assert.equal(await findOutsideLink(work, join(work, 'model/a.bin')), undefined);
      assert.equal(await findOutsideLink(work, join(work, 'not/made/yet')), undefined);
      assert.equal(await findOutsideLink(work, work), undefined);
    });
  });

  test('names the first link that leads outside, and where it leads', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'outside/ssh/key': 'k', 'work/a.txt': 'a' });
      const work = join(directory, 'work');
      await symlink('../outside', join(work, 'home'));
      const outside = await realpath(join(directory, 'outside'));
      assert.deepEqual(await findOutsideLink(work, join(work, 'home/ssh')), { link: 'home', target: outside, code: undefined });
      assert.deepEqual(await findOutsideLink(work, join(work, 'home')), { link: 'home', target: outside, code: undefined });
      // Below a link that leads out, even a path that does not exist yet would be made outside.
      assert.deepEqual(await findOutsideLink(work, join(work, 'home/new/folder')), { link: 'home', target: outside, code: undefined });
    });
  });

  test('accepts links that stay inside, and follows them to a link further on', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'outside/x': 'x', 'work/releases/v1/model/a.bin': 'a' });
      const work = join(directory, 'work');
      await symlink('releases/v1', join(work, 'current'));
      assert.equal(await findOutsideLink(work, join(work, 'current/model')), undefined);
      await symlink(join(directory, 'outside'), join(work, 'releases/v1/escape'));
      assert.deepEqual(await findOutsideLink(work, join(work, 'current/escape/x')), { link: 'current/escape', target: await realpath(join(directory, 'outside')), code: undefined });
    });
  });

  test('a working directory reached through a link is compared by its real path', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'real-work/releases/model/a.bin': 'a' });
      await symlink('real-work', join(directory, 'work'));
      const work = join(directory, 'work');
      await symlink(join(directory, 'real-work', 'releases'), join(directory, 'real-work', 'current'));
      assert.equal(await findOutsideLink(work, join(work, 'current/model')), undefined);
    });
  });

  test('names a broken or looping link on the way', async () => {
    await withTemporaryDirectory(async (directory) => {
      await writeFiles(directory, { 'work/a.txt': 'a' });
      const work = join(directory, 'work');
      await symlink('nowhere', join(work, 'broken'));
      await symlink('loop', join(work, 'loop'));
      assert.deepEqual(await findOutsideLink(work, join(work, 'broken/x')), { link: 'broken', target: undefined, code: 'ENOENT' });
      assert.deepEqual(await findOutsideLink(work, join(work, 'loop/x')), { link: 'loop', target: undefined, code: 'ELOOP' });
    });
  });
});
