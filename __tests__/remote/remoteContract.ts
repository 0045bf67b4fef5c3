import assert from 'node:assert/strict';
import { type Readable } from 'node:stream';
import { test } from 'node:test';
import { ObjectMissingError } from '../../src/core/errors.js';
import { type ListedObject, type Remote } from '../../src/remote/remote.js';

export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

export function keysOf(objects: readonly ListedObject[]): string[] {
  return objects.map((object) => object.key);
}

/** What every backend must do the same way, whatever it stores objects in. */
export function defineRemoteContract(freshRemote: () => Remote): void {
  test('read gives a byte range, an empty range, or the whole object', async () => {
    const remote = freshRemote();
    await remote.writeIfAbsent('packs/00/pack', { bytes: Buffer.from('0123456789') });
    assert.equal(await readAll(await remote.read('packs/00/pack', { offset: 2, length: 5 })), '23456');
    assert.equal(await readAll(await remote.read('packs/00/pack', { offset: 9, length: 1 })), '9');
    assert.equal(await readAll(await remote.read('packs/00/pack', { offset: 4, length: 0 })), '');
    assert.equal(await readAll(await remote.read('packs/00/pack')), '0123456789');
  });

  test('read and exists of a missing key: ObjectMissingError naming the key, and false', async () => {
    const remote = freshRemote();
    await assert.rejects(remote.read('blobs/ff/absent'), (error: Error) => {
      assert.ok(error instanceof ObjectMissingError, `expected ObjectMissingError, got ${error.name}: ${error.message}`);
      assert.equal(error.key, 'blobs/ff/absent');
      return true;
    });
    assert.equal(await remote.exists('blobs/ff/absent'), false);
    await remote.writeIfAbsent('blobs/ff/present', { bytes: Buffer.from('x') });
    assert.equal(await remote.exists('blobs/ff/present'), true);
  });

  test('replace overwrites a damaged object, where writeIfAbsent would keep it', async () => {
    const remote = freshRemote();
    await remote.writeIfAbsent('blobs/aa/damaged', { bytes: Buffer.from('flipped') });
    assert.equal(await remote.writeIfAbsent('blobs/aa/damaged', { bytes: Buffer.from('repaired') }), false);
    await remote.replace('blobs/aa/damaged', { bytes: Buffer.from('repaired') });
    assert.equal(await readAll(await remote.read('blobs/aa/damaged')), 'repaired');
    assert.deepEqual(keysOf(await remote.list('blobs/aa/')), ['blobs/aa/damaged']);
  });
}
