import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { RemoteConfigurationError, UsageError } from '../../../src/core/errors.js';
import { openRemote } from '../../../src/remote/openRemote.js';
import { S3Remote } from '../../../src/remote/s3/s3Remote.js';
import { inspectorClient, type S3Server, s3rverCredentials, startS3Server } from '../../helpers/s3Server.js';
import { makeTemporaryDirectory } from '../../helpers/workspace.js';
import { defineRemoteContract, keysOf } from '../remoteContract.js';

// S3Remote takes its credentials from the SDK's default chain, as on a runner.
Object.assign(process.env, s3rverCredentials);


describe('S3Remote against s3rver', () => {
  let server: S3Server;
  /** A client of our own: what the tests put and see in the bucket does not depend on S3Remote. */
  let inspector: S3Client;
  let directory: string;
  let remoteCount = 0;

  /** Each test gets a prefix of its own in the one bucket. */
  const freshRemote = (): { remote: S3Remote; prefix: string } => {
    const prefix = `tests/remote-${++remoteCount}/`;
    return { remote: new S3Remote(server.bucket, prefix, { endpoint: server.endpoint, forcePathStyle: true, region: 'us-east-1' }), prefix };
  };

  const getText = async (key: string): Promise<string> => {
    const response = await inspector.send(new GetObjectCommand({ Bucket: server.bucket, Key: key }));
    return response.Body!.transformToString();
  };

  beforeAll(async () => {
    server = await startS3Server();
    inspector = inspectorClient(server);
    directory = await makeTemporaryDirectory('s3-remote');
  });

  afterAll(async () => {
    inspector?.destroy();
    await server?.stop();
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  defineRemoteContract(() => freshRemote().remote);

  test('writeIfAbsent writes once, then answers false and keeps the first bytes', async () => {
    const { remote, prefix } = freshRemote();
    const sourceFile = join(directory, 'source.bin');
    await writeFile(sourceFile, 'bytes from a file on disk');
    assert.equal(await remote.writeIfAbsent('stoat/v1/blobs/ab/first', { bytes: Buffer.from('original') }), true);
    assert.equal(await remote.writeIfAbsent('stoat/v1/blobs/ab/first', { bytes: Buffer.from('replacement') }), false);
    assert.equal(await remote.writeIfAbsent('stoat/v1/blobs/ab/first', { file: sourceFile, size: 25 }), false);
    assert.equal(await getText(`${prefix}stoat/v1/blobs/ab/first`), 'original');

    assert.equal(await remote.writeIfAbsent('stoat/v1/blobs/cd/from-file', { file: sourceFile, size: 25 }), true);
    assert.equal(await getText(`${prefix}stoat/v1/blobs/cd/from-file`), 'bytes from a file on disk');
  });

  test('list gives the keys below a prefix only, relative to the remote root', async () => {
    const { remote, prefix } = freshRemote();
    for (const key of ['outputs/a/one.json', 'outputs/a/deeper/two.json', 'outputs/ab/three.json', 'outputs/b/four.json']) {
      await remote.writeIfAbsent(key, { bytes: Buffer.from(key) });
    }
    // The same names outside the remote's prefix belong to someone else.
    await inspector.send(new PutObjectCommand({ Bucket: server.bucket, Key: 'outputs/a/outside.json', Body: 'x' }));
    await inspector.send(new PutObjectCommand({ Bucket: server.bucket, Key: `${prefix.slice(0, -1)}-sibling/outputs/a/sibling.json`, Body: 'x' }));
    assert.deepEqual(keysOf(await remote.list!('outputs/a/')).sort(), ['outputs/a/deeper/two.json', 'outputs/a/one.json']);
    assert.deepEqual(keysOf(await remote.list!('outputs/missing/')), []);
  });

  test('list follows continuation tokens past a page of 1000 keys', async () => {
    const { remote, prefix } = freshRemote();
    const keys = Array.from({ length: 1100 }, (_, index) => `many/${String(index).padStart(4, '0')}`);
    await server.seedObjects(keys.map((key) => prefix + key), 'x');
    // The seeded objects are real objects to the server.
    assert.equal(await getText(`${prefix}many/1099`), 'x');
    // The server really pages: without following the token a lister would see 1000 keys.
    const firstPage = await inspector.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: `${prefix}many/` }));
    assert.equal(firstPage.IsTruncated, true);
    assert.equal(firstPage.Contents?.length, 1000);

    const listed = keysOf(await remote.list!('many/'));
    assert.equal(listed.length, 1100);
    assert.deepEqual([...listed].sort(), keys);
  });

  test('a bucket that does not exist is a RemoteConfigurationError naming it, never a missing object', async () => {
    const remote = await openRemote('s3://stoat-no-such-bucket/prefix', '/unused', { endpoint: server.endpoint, forcePathStyle: true, region: 'us-east-1' });
    const namesBucket = (error: Error): boolean => {
      assert.ok(error instanceof RemoteConfigurationError, `expected RemoteConfigurationError, got ${error.name}: ${error.message}`);
      assert.match(error.message, /the S3 bucket "stoat-no-such-bucket" does not exist/);
      return true;
    };
    await assert.rejects(remote.read('blobs/ab/key'), namesBucket);
    await assert.rejects(remote.list!('outputs/a/'), namesBucket);
    await assert.rejects(remote.writeIfAbsent('blobs/ab/key', { bytes: Buffer.from('x') }), namesBucket);
  });

  test('locate and display name the bucket and prefix', () => {
    const { remote, prefix } = freshRemote();
    assert.equal(remote.display, `s3://${server.bucket}/${prefix.slice(0, -1)}`);
    assert.equal(remote.locate('stoat/v1/blobs/ab/abc'), `s3://${server.bucket}/${prefix}stoat/v1/blobs/ab/abc`);
  });
});

describe('openRemote for S3 URLs', () => {
  test('s3://bucket/prefix gives the bucket and a prefix with one trailing slash', async () => {
    const withPrefix = await openRemote('s3://my-bucket/some/prefix/', '/work');
    assert.ok(withPrefix instanceof S3Remote);
    assert.equal(withPrefix.display, 's3://my-bucket/some/prefix');
    assert.equal(withPrefix.locate('stoat/v1/x'), 's3://my-bucket/some/prefix/stoat/v1/x');
    const bare = await openRemote('s3://my-bucket', '/work');
    assert.equal(bare.display, 's3://my-bucket');
    assert.equal(bare.locate('stoat/v1/x'), 's3://my-bucket/stoat/v1/x');
  });

  test('an unsupported scheme is refused, naming it and what is supported', async () => {
    await assert.rejects(openRemote('gs://my-bucket/prefix', '/work'), (error: Error) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /uses "gs:\/\/", which stoat does not support: give s3:\/\/bucket\/prefix/);
      return true;
    });
  });

  test('credentials in the URL are refused without showing them', async () => {
    for (const url of ['s3://AKIAEXAMPLEKEYID:wJalrXUtnFEMIK7MDENG@my-bucket/prefix', 's3://AKIAEXAMPLEKEYID@my-bucket/prefix']) {
      await assert.rejects(openRemote(url, '/work'), (error: Error) => {
        assert.ok(error instanceof UsageError);
        assert.match(error.message, /has credentials in it: remove them from the URL/);
        assert.ok(!error.message.includes('wJalrXUtnFEMIK7MDENG'), error.message);
        assert.ok(!error.message.includes('AKIAEXAMPLEKEYID'), error.message);
        return true;
      });
    }
  });

  test(
    'a secret with a "/" in the URL is not shown either',
    async () => {
      // AWS secret access keys are base64-like and often contain "/".
      await assert.rejects(openRemote('s3://AKIAEXAMPLEKEYID:wJalr/XUtnFEMI@my-bucket/prefix', '/work'), (error: Error) => {
        assert.ok(error instanceof UsageError);
        assert.ok(!error.message.includes('XUtnFEMI'), error.message);
        return true;
      });
    },
  );

  test('an invalid bucket name is refused, naming it', async () => {
    for (const bucket of ['My_Bucket', 'ab', '-leading-dash']) {
      await assert.rejects(openRemote(`s3://${bucket}/prefix`, '/work'), (error: Error) => {
        assert.ok(error instanceof UsageError);
        assert.match(error.message, new RegExp(`names bucket "${bucket}", which is not a valid S3 bucket name`));
        return true;
      });
    }
  });

  test(
    'a malformed escape in the prefix is a UsageError naming the URL',
    async () => {
      await assert.rejects(openRemote('s3://my-bucket/bad%zzprefix', '/work'), (error: Error) => {
        assert.ok(error instanceof UsageError, `expected UsageError, got ${error.name}: ${error.message}`);
        assert.match(error.message, /s3:\/\/my-bucket\/bad%zzprefix/);
        return true;
      });
    },
  );
});
