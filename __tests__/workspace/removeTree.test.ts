import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from '@jest/globals';
import { removeTree } from '../../src/workspace/removeTree.js';
import { makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';

let root: string;

beforeEach(async () => {
  root = await makeTemporaryDirectory('remove-tree');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('removeTree', () => {
  test('removes a tree of many files in nested folders, empty folders included', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 300; index++) files[`tree/dir-${index % 7}/sub-${index % 3}/file-${index}.txt`] = `content ${index}`;
    await writeFiles(root, files);
    await mkdir(join(root, 'tree', 'empty', 'deeper'), { recursive: true });
    await removeTree(join(root, 'tree'));
    assert.equal(existsSync(join(root, 'tree')), false);
  });

  test('removes links without following them: what they point at stays', async () => {
    await writeFiles(root, { 'outside/kept.txt': 'kept', 'tree/a.txt': 'a' });
    await symlink(join(root, 'outside'), join(root, 'tree', 'folder-link'));
    await symlink(join(root, 'outside', 'kept.txt'), join(root, 'tree', 'file-link'));
    await removeTree(join(root, 'tree'));
    assert.equal(existsSync(join(root, 'tree')), false);
    assert.equal(await readFile(join(root, 'outside', 'kept.txt'), 'utf8'), 'kept');
  });

  test('removes a tree that is itself a link to a folder, and not the folder\'s content', async () => {
    await writeFiles(root, { 'outside/kept.txt': 'kept' });
    await symlink(join(root, 'outside'), join(root, 'tree'));
    await removeTree(join(root, 'tree'));
    assert.equal(existsSync(join(root, 'tree')), false);
    assert.equal(await readFile(join(root, 'outside', 'kept.txt'), 'utf8'), 'kept');
  });

  test('removes a single file, and takes a path that is not there as already removed', async () => {
    await writeFiles(root, { 'one.txt': 'one' });
    await removeTree(join(root, 'one.txt'));
    assert.equal(existsSync(join(root, 'one.txt')), false);
    await removeTree(join(root, 'missing', 'nothing'));
  });

});
