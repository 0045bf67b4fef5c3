import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { type DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { RemoteConfigurationError, RemoteError } from '../../src/core/errors.js';
import { FileRemote } from '../../src/remote/fileRemote.js';
import { withOutageBreaker } from '../../src/remote/outageBreaker.js';
import { deleteObjects, type Remote } from '../../src/remote/remote.js';
import { deleteInBatches, keysPerDeleteRequest } from '../../src/remote/s3/s3Delete.js';
import { S3Remote } from '../../src/remote/s3/s3Remote.js';
import { type S3Server, s3rverCredentials } from '../helpers/s3Server.js';
import { listenOnLoopback } from '../helpers/loopbackServer.js';
import { useS3Server } from '../helpers/useS3Server.js';
import { makeTemporaryDirectory } from '../helpers/workspace.js';
import { lookupOnly } from './lookupOnlyRemote.js';

Object.assign(process.env, s3rverCredentials);

let root: string;
let server: S3Server;
let inspector: S3Client;
useS3Server((started, client) => {
  server = started;
  inspector = client;
});

beforeAll(async () => {
  root = await makeTemporaryDirectory('delete');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await inspector.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((object) => object.Key!));
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return keys.sort();
}

function names(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}blobs/${String(index % 256).padStart(3, '0')}/object-${String(index).padStart(5, '0')}`);
}

describe('deleting objects', () => {
  test('the directory remote unlinks each file, takes a missing one as deleted, and keeps the folders', async () => {
    const remote = new FileRemote(join(root, 'files'));
    for (const key of ['blobs/aa/one', 'blobs/aa/two', 'packs/bb/three']) await remote.writeIfAbsent(key, { bytes: Buffer.from(key) });
    await deleteObjects(remote, ['blobs/aa/one', 'packs/bb/three', 'blobs/cc/never-there']);
    assert.deepEqual((await remote.list('blobs/')).map((object) => object.key), ['blobs/aa/two']);
    assert.deepEqual(await remote.list('packs/'), []);
    await remote.writeIfAbsent('packs/bb/four', { bytes: Buffer.from('a writer that made its folder a moment ago still finds it') });
    await mkdir(join(root, 'files', 'blobs', 'aa', 'a-folder'));
    await assert.rejects(remote.delete(['blobs/aa/a-folder']), (error: Error) => error instanceof RemoteError && /could not delete .*a-folder/.test(error.message));
  });

  test('S3 deletes in requests of up to 1,000 keys, a missing key counting as deleted', async () => {
    const prefix = 'many/';
    const all = names(prefix, 2500);
    await server.seedObjects(all, 'x');
    const sent: number[] = [];
    const counting = { send: (command: DeleteObjectsCommand) => (sent.push(command.input.Delete!.Objects!.length), inspector.send(command)) } as unknown as S3Client;
    const doomed = all.slice(0, 2300).map((key) => key.slice(prefix.length));
    const refused = await deleteInBatches({ client: counting, bucket: server.bucket, prefix }, [...doomed, 'blobs/999/never-there']);
    assert.deepEqual(refused, []);
    assert.deepEqual(sent.sort((a, b) => b - a), [keysPerDeleteRequest, keysPerDeleteRequest, 301]);
    assert.deepEqual(await keysUnder(prefix), all.slice(2300).sort());
  });

  test('S3Remote.delete removes what it is given and lists large prefixes in pages', async () => {
    const prefix = 'remote/';
    const all = names(prefix, 1500);
    await server.seedObjects(all, 'yy');
    const remote = new S3Remote(server.bucket, prefix, { endpoint: server.endpoint, forcePathStyle: true, region: 'us-east-1' });
    const listed = await remote.list('blobs/');
    assert.equal(listed.length, 1500);
    assert.ok(listed.every((object) => object.size === 2 && object.modified > 0));
    const doomed = listed.slice(0, 1200).map((object) => object.key);
    await deleteObjects(withOutageBreaker(remote), doomed);
    const gone = new Set(doomed.map((key) => prefix + key));
    assert.deepEqual(await keysUnder(prefix), all.filter((key) => !gone.has(key)).sort());
  });

  test('keys S3 refuses to delete are named in the error, with its reason', async () => {
    // A bucket whose policy denies deleting: S3 answers DeleteObjects with an error for each key.
    const refusing = createServer((request, answer) => {
      request.resume();
      request.on('end', () => {
        answer.writeHead(200, { 'content-type': 'application/xml' });
        answer.end('<?xml version="1.0"?><DeleteResult><Error><Key>denied/blobs/aa/one</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>');
      });
    });
    const listening = await listenOnLoopback(refusing);
    try {
      const remote = new S3Remote('bucket', 'denied/', { endpoint: listening.url, forcePathStyle: true, region: 'us-east-1' });
      await assert.rejects(remote.delete(['blobs/aa/one', 'blobs/aa/two']), (error: Error) => {
        assert.ok(error instanceof RemoteError);
        assert.equal(error.message, 'S3 refused to delete 1 of 2 objects, s3://bucket/denied/blobs/aa/one (AccessDenied: Access Denied): check that the credentials may delete objects in this bucket and prefix');
        return true;
      });
    } finally {
      await listening.stop();
    }
  });

  test('a remote that cannot delete says so; the breaker passes the capability on only where it is', async () => {
    const files = new FileRemote(join(root, 'capability'));
    const lookup: Remote = lookupOnly(files);
    await assert.rejects(deleteObjects(lookup, ['blobs/aa/one']), (error: Error) => error instanceof RemoteConfigurationError && /cannot delete objects/.test(error.message));
    await deleteObjects(lookup, []);
    assert.equal(withOutageBreaker(lookup).delete, undefined);
    assert.equal(typeof withOutageBreaker(files).delete, 'function');
  });
});
