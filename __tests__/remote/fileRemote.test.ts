import assert from 'node:assert/strict';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { UsageError } from '../../src/core/errors.js';
import { FileRemote } from '../../src/remote/fileRemote.js';
import { openRemote } from '../../src/remote/openRemote.js';
import { listFilePaths, makeTemporaryDirectory } from '../helpers/workspace.js';
import { defineRemoteContract, keysOf, readAll } from './remoteContract.js';


describe('FileRemote', () => {
  let directory: string;
  let sourceFile: string;
  /** Each test gets a remote of its own below the shared temp folder. */
  let remoteCount = 0;
  const freshRemote = (): FileRemote => new FileRemote(join(directory, `remote-${++remoteCount}`));

  beforeAll(async () => {
    directory = await makeTemporaryDirectory('file-remote');
    sourceFile = join(directory, 'source.bin');
    await writeFile(sourceFile, 'bytes from a file on disk');
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  defineRemoteContract(freshRemote);

  test('a folder is not an object', async () => {
    const remote = freshRemote();
    await remote.writeIfAbsent('blobs/ff/present', { bytes: Buffer.from('x') });
    assert.equal(await remote.exists('blobs/ff'), false);
  });

  test('writeIfAbsent writes once, then answers false and keeps the first bytes', async () => {
    const remote = freshRemote();
    assert.equal(await remote.writeIfAbsent('stoat/v1/blobs/ab/first', { bytes: Buffer.from('original') }), true);
    assert.equal(await remote.writeIfAbsent('stoat/v1/blobs/ab/first', { bytes: Buffer.from('replacement') }), false);
    assert.equal(await remote.writeIfAbsent('stoat/v1/blobs/ab/first', { file: sourceFile, size: 25 }), false);
    assert.equal(await readAll(await remote.read('stoat/v1/blobs/ab/first')), 'original');

    assert.equal(await remote.writeIfAbsent('stoat/v1/blobs/cd/from-file', { file: sourceFile, size: 25 }), true);
    assert.equal(await readAll(await remote.read('stoat/v1/blobs/cd/from-file')), 'bytes from a file on disk');
    // No temporary file of a write is left beside the objects.
    assert.deepEqual(await listFilePaths(remote.root), ['stoat/v1/blobs/ab/first', 'stoat/v1/blobs/cd/from-file']);
  });

  test('of concurrent writers of one key exactly one wins, and its bytes are what is stored', async () => {
    const remote = freshRemote();
    const contents = Array.from({ length: 8 }, (_, index) => `writer ${index}`);
    const answers = await Promise.all(contents.map((content) => remote.writeIfAbsent('race/key', { bytes: Buffer.from(content) })));
    assert.equal(answers.filter((answer) => answer).length, 1);
    assert.equal(await readAll(await remote.read('race/key')), contents[answers.indexOf(true)]);
    assert.deepEqual([...(await readdir(join(remote.root, 'race')))], ['key']);
  });

  test('list gives the keys below a prefix only, and skips temporary files of writes in progress', async () => {
    const remote = freshRemote();
    for (const key of ['outputs/a/one.json', 'outputs/a/deeper/two.json', 'outputs/ab/three.json', 'outputs/b/four.json']) {
      await remote.writeIfAbsent(key, { bytes: Buffer.from(key) });
    }
    await writeFile(join(remote.root, 'outputs/a/.0123.partial'), 'half written');
    assert.deepEqual(keysOf(await remote.list!('outputs/a/')).sort(), ['outputs/a/deeper/two.json', 'outputs/a/one.json']);
    assert.deepEqual(keysOf(await remote.list!('outputs/missing/')), []);
    // A prefix that names a file is no folder of keys.
    assert.deepEqual(keysOf(await remote.list!('outputs/a/one.json/')), []);
  });

  test('locate and display give the path on disk', () => {
    const remote = new FileRemote('/srv/stoat-cache');
    assert.equal(remote.display, '/srv/stoat-cache');
    assert.equal(remote.locate('stoat/v1/blobs/ab/abc'), '/srv/stoat-cache/stoat/v1/blobs/ab/abc');
  });

  test('a remote root that cannot be written is a RemoteError naming it', async () => {
    const blocker = join(directory, 'a-file-not-a-folder');
    await writeFile(blocker, 'in the way');
    const remote = new FileRemote(blocker);
    await assert.rejects(remote.writeIfAbsent('blobs/ab/key', { bytes: Buffer.from('x') }), (error: Error) => {
      assert.equal(error.name, 'RemoteError');
      assert.match(error.message, /could not (check|write) \/.*\/a-file-not-a-folder\/blobs\/ab\/key \(ENOTDIR\): check that the remote directory is writable/);
      return true;
    });
  });
});

describe('openRemote for directories', () => {
  test('a plain path is a directory remote; a relative one is taken from the base directory', async () => {
    const relative = await openRemote('../cache', '/work/project');
    assert.ok(relative instanceof FileRemote);
    assert.equal(relative.root, '/work/cache');
    const absolute = await openRemote('  /srv/cache  ', '/work/project');
    assert.ok(absolute instanceof FileRemote);
    assert.equal(absolute.root, '/srv/cache');
  });

  test('file:///absolute/path is a directory remote, with escapes decoded', async () => {
    const directory = await makeTemporaryDirectory('file-url');
    try {
      const root = join(directory, 'with space');
      await mkdir(root);
      const remote = await openRemote(pathToFileURL(root).href, '/elsewhere');
      assert.ok(remote instanceof FileRemote);
      assert.equal(remote.root, root);
      assert.equal(await remote.writeIfAbsent('key', { bytes: Buffer.from('x') }), true);
      assert.deepEqual([...(await readdir(root))], ['key']);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  test('file://host/path is refused, naming the host', async () => {
    await assert.rejects(openRemote('file://fileserver/srv/cache', '/work'), (error: Error) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /names host "fileserver": a file URL must be file:\/\/\/absolute\/path/);
      return true;
    });
  });

  test('an empty remote is refused', async () => {
    await assert.rejects(openRemote('   ', '/work'), { name: 'UsageError', message: /the remote is empty/ });
  });
});
