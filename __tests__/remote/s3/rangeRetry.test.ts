import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { LocalFileError, ObjectMissingError } from '../../../src/core/errors.js';
import { planExplicitScope } from '../../../src/core/scope.js';
import { executeStep } from '../../../src/engine/executeStep.js';
import { type StepContext } from '../../../src/engine/stepContext.js';
import { type ByteSink } from '../../../src/remote/byteSink.js';
import { openRemote } from '../../../src/remote/openRemote.js';
import { type LargeReadTransport, transportVariable } from '../../../src/remote/s3/largeReadTransport.js';
import { attemptsPerRange } from '../../../src/remote/s3/rangeRetry.js';
import { S3Remote } from '../../../src/remote/s3/s3Remote.js';
import { downloadPartSize, rangedDownloadThreshold } from '../../../src/store/transferPlan.js';
import { inspectorClient, type S3Server, s3rverCredentials, startS3Server } from '../../helpers/s3Server.js';
import { type RangedAction, type ScriptedProxy, startScriptedProxy } from '../../helpers/scriptedProxy.js';
import { largeBlobStep } from '../../helpers/largeBlobStep.js';
import { makeTemporaryDirectory } from '../../helpers/workspace.js';

Object.assign(process.env, s3rverCredentials);

let server: S3Server;
let proxy: ScriptedProxy;
let root: string;
const object = randomBytes(3 * 1024 * 1024 + 7);
const key = 'objects/three-mebibytes';

beforeAll(async () => {
  server = await startS3Server();
  proxy = await startScriptedProxy(server.endpoint);
  root = await makeTemporaryDirectory('range-retry');
  const inspector = inspectorClient(server);
  await inspector.send(new PutObjectCommand({ Bucket: server.bucket, Key: `retry/${key}`, Body: object }));
  inspector.destroy();
});

afterAll(async () => {
  await proxy.stop();
  await server.stop();
  await rm(root, { recursive: true, force: true });
});

/** The actions in turn, one per ranged GET, then `after` for every one that follows. */
function inTurn(actions: RangedAction[], after: RangedAction = 'pass'): (start: number) => RangedAction {
  let next = 0;
  return () => actions[next++] ?? after;
}

/** A remote whose large reads take `transport`, chosen as it is made. */
function remoteThroughProxy(transport: LargeReadTransport): S3Remote {
  proxy.rangeStarts.length = 0;
  process.env[transportVariable] = transport;
  try {
    return new S3Remote(server.bucket, 'retry/', { endpoint: proxy.url, forcePathStyle: true, region: 'us-east-1', timeoutSeconds: 5 });
  } finally {
    delete process.env[transportVariable];
  }
}

function collectingSink(): ByteSink & { bytes(): Buffer } {
  const pieces: Buffer[] = [];
  return { take: (bytes) => void pieces.push(Buffer.from(bytes)), bytes: () => Buffer.concat(pieces) };
}

describe.each(['direct', 'sdk'] as const)('a ranged read of S3 over the %s transport is tried again in one place, from where it stopped', (transport) => {
  const range = { offset: 1000, length: 2 * 1024 * 1024 + 3 };
  const expected = object.subarray(range.offset, range.offset + range.length);

  test('a body cut off half-way is fetched again from its first missing byte, twice if need be, byte for byte', async () => {
    const remote = remoteThroughProxy(transport);
    proxy.plan = inTurn(['cut', 'cut']);
    const sink = collectingSink();
    await remote.readInto(key, range, sink);
    assert.ok(sink.bytes().equals(expected), 'the bytes are the object’s');
    const [first, second, third, ...more] = proxy.rangeStarts;
    assert.deepEqual(more, []);
    assert.equal(first, range.offset);
    assert.ok(second! > first! && third! > second! && third! < range.offset + range.length, `each try starts where the last stopped: ${proxy.rangeStarts.join(', ')}`);
  });

  test('throttling and a 5xx answer are tried again, after a pause', async () => {
    const remote = remoteThroughProxy(transport);
    proxy.plan = inTurn(['slow-down', 'error']);
    const sink = collectingSink();
    await remote.readInto(key, range, sink);
    assert.ok(sink.bytes().equals(expected));
    assert.deepEqual(proxy.rangeStarts, [range.offset, range.offset, range.offset]);
  });

  test(`whatever the mix of failures, a read makes ${attemptsPerRange} requests at most`, async () => {
    const remote = remoteThroughProxy(transport);
    let turn = 0;
    proxy.plan = () => (['cut', 'slow-down'] as const)[turn++ % 2]!;
    await assert.rejects(remote.readInto(key, range, collectingSink()));
    assert.equal(proxy.rangeStarts.length, attemptsPerRange);
  });

  test('a missing object and the sink’s own failure are not tried again', async () => {
    const remote = remoteThroughProxy(transport);
    proxy.plan = inTurn([]);
    await assert.rejects(remote.readInto('objects/none', range, collectingSink()), ObjectMissingError);
    assert.equal(proxy.rangeStarts.length, 1);
    const failing: ByteSink = { take: () => Promise.reject(new LocalFileError('the disk is full')) };
    await assert.rejects(remote.readInto(key, range, failing), LocalFileError);
    assert.equal(proxy.rangeStarts.length, 2);
  });
});

describe('a restore reads each part once over the remote’s own tries', () => {
  test(`a part that fails every try, in any mix, costs ${attemptsPerRange} requests, not the store’s tries times the SDK’s`, async () => {
    const workspace = join(root, 'large');
    await mkdir(workspace, { recursive: true });
    const size = rangedDownloadThreshold + 3 * 1024 * 1024;
    const definition = largeBlobStep(workspace, size, 'one part always fails');
    const remote = await openRemote(`s3://${server.bucket}/restore`, root, { endpoint: proxy.url, forcePathStyle: true });
    const context: StepContext = { remote, scope: planExplicitScope('local', 'tests'), concurrency: 4, failOnCacheError: false, environment: process.env };
    proxy.plan = () => 'pass';
    assert.equal((await executeStep(definition, context, 'auto')).status, 'miss');
    const produced = await readFile(join(workspace, 'out', 'large.bin'));
    await rm(join(workspace, 'out'), { recursive: true });
    proxy.rangeStarts.length = 0;
    // The first part's requests (a try after a cut starts inside it) meet two 500s and a cut, again and again.
    const partSize = downloadPartSize(size);
    let turn = 0;
    proxy.plan = (start) => (start < partSize ? (['error', 'error', 'cut'] as const)[turn++ % 3]! : 'pass');
    const report = await executeStep(definition, context, 'auto');
    assert.equal(report.status, 'error', report.reason);
    assert.equal(proxy.rangeStarts.filter((start) => start < partSize).length, attemptsPerRange);
    // The step ran as on a miss: its output is its own again.
    assert.equal((await readFile(join(workspace, 'out', 'large.bin'))).length, produced.length);
  });
});
