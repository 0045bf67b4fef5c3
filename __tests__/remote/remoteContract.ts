import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { type Readable } from 'node:stream';
import { test } from '@jest/globals';
import { ObjectMissingError } from '../../src/core/errors.js';
import { receiveChunkBytes } from '../../src/remote/byteSink.js';
import { type ListedObject, objectsUnder, readRangeInto, type Remote, writeOrRepair } from '../../src/remote/remote.js';

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

  test('readRangeInto hands a range to a sink that copies, waits when asked, and takes it all in order', async () => {
    const remote = freshRemote();
    const content = randomBytes(300 * 1024 + 7);
    await remote.writeIfAbsent('blobs/ab/large', { bytes: content });
    for (const range of [{ offset: 0, length: content.length }, { offset: 70_000, length: 150_001 }, { offset: content.length - 1, length: 1 }]) {
      const received: Buffer[] = [];
      let calls = 0;
      await readRangeInto(remote, 'blobs/ab/large', range, {
        take: (bytes) => {
          assert.ok(bytes.length <= receiveChunkBytes, `a sink is handed at most ${receiveChunkBytes} bytes at once, got ${bytes.length}`);
          received.push(Buffer.from(bytes));
          // Every other call asks the sender to wait a moment before the next bytes.
          return calls++ % 2 === 0 ? new Promise((resolve) => setTimeout(resolve, 2)) : undefined;
        },
      });
      assert.deepEqual(Buffer.concat(received), content.subarray(range.offset, range.offset + range.length));
    }
    await assert.rejects(readRangeInto(remote, 'blobs/ff/absent', { offset: 0, length: 10 }, { take: () => undefined }), ObjectMissingError);
  });

  test('a sink that fails ends readRangeInto with its error', async () => {
    const remote = freshRemote();
    await remote.writeIfAbsent('blobs/ab/refused', { bytes: randomBytes(200 * 1024) });
    const refusal = new Error('the disk is full');
    await assert.rejects(readRangeInto(remote, 'blobs/ab/refused', { offset: 0, length: 200 * 1024 }, { take: () => Promise.reject(refusal) }), (error) => error === refusal);
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

  test('offers a listing or a lookup of the newest object: results can be found either way', async () => {
    const remote = freshRemote();
    assert.ok(remote.list !== undefined || remote.newest !== undefined, `${remote.display} can neither list nor look up`);
    for (const key of ['outputs/a/one.json', 'outputs/a/deeper/two.json', 'outputs/ab/three.json']) {
      await remote.writeIfAbsent(key, { bytes: Buffer.from(key) });
      // Written one after another, so the last is the newest by any clock's reckoning.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const found = keysOf(await objectsUnder(remote, 'outputs/a/')).sort();
    if (remote.list !== undefined) assert.deepEqual(found, ['outputs/a/deeper/two.json', 'outputs/a/one.json']);
    else assert.deepEqual(found, ['outputs/a/deeper/two.json'], 'a lookup gives the newest below the prefix');
    assert.deepEqual(await objectsUnder(remote, 'outputs/missing/'), []);
  });

  test('a damaged object is replaced where the backend can; elsewhere it is kept, never half written', async () => {
    const remote = freshRemote();
    await remote.writeIfAbsent('blobs/aa/damaged', { bytes: Buffer.from('flipped') });
    assert.equal(await remote.writeIfAbsent('blobs/aa/damaged', { bytes: Buffer.from('repaired') }), false);
    const repaired = await writeOrRepair(remote, 'blobs/aa/damaged', { bytes: Buffer.from('repaired') }, true, false);
    assert.equal(repaired, remote.replace !== undefined);
    assert.equal(await readAll(await remote.read('blobs/aa/damaged')), remote.replace !== undefined ? 'repaired' : 'flipped');
    assert.deepEqual(keysOf(await objectsUnder(remote, 'blobs/aa/')), ['blobs/aa/damaged']);
  });
}
