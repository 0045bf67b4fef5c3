import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { type ClientRequest } from 'node:http';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { UsageError } from '../../../src/core/errors.js';
import { planExplicitScope } from '../../../src/core/scope.js';
import { executeStep } from '../../../src/engine/executeStep.js';
import { openRemote } from '../../../src/remote/openRemote.js';
import { largeReadTransport, transportVariable } from '../../../src/remote/s3/largeReadTransport.js';
import { downloadPartSize, rangedDownloadThreshold } from '../../../src/store/transferPlan.js';
import { type S3Server, s3rverCredentials, startS3Server } from '../../helpers/s3Server.js';
import { largeBlobStep } from '../../helpers/largeBlobStep.js';
import { makeTemporaryDirectory } from '../../helpers/workspace.js';

Object.assign(process.env, s3rverCredentials);

describe('largeReadTransport', () => {
  test('large reads take stoat’s own connections unless a proxy or the choice says otherwise', () => {
    assert.equal(largeReadTransport({}), 'direct');
    assert.equal(largeReadTransport({ HTTPS_PROXY: '' }), 'direct', 'an empty variable names no proxy');
    assert.equal(largeReadTransport({ NO_PROXY: 'localhost' }), 'direct');
  });

  for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) {
    test(`${name} sends them through the SDK's handler, where a proxy applies`, () => {
      assert.equal(largeReadTransport({ [name]: 'http://proxy.internal:3128' }), 'sdk');
    });
  }

  test('Node’s own proxy switch, as a variable or as a flag in NODE_OPTIONS, does too', () => {
    assert.equal(largeReadTransport({ NODE_USE_ENV_PROXY: '1' }), 'sdk');
    assert.equal(largeReadTransport({ NODE_OPTIONS: '--max-old-space-size=4096 --use-env-proxy' }), 'sdk');
    assert.equal(largeReadTransport({ NODE_OPTIONS: '--max-old-space-size=4096' }), 'direct');
  });

  test(`${transportVariable} chooses either way, and anything else is refused naming it`, () => {
    assert.equal(largeReadTransport({ [transportVariable]: 'sdk' }), 'sdk');
    assert.equal(largeReadTransport({ [transportVariable]: 'direct', HTTPS_PROXY: 'http://proxy.internal:3128' }), 'direct');
    assert.throws(() => largeReadTransport({ [transportVariable]: 'fast' }), (error: Error) => error instanceof UsageError && /STOAT_S3_TRANSPORT is "fast": set it to sdk or direct/.test(error.message));
  });
});

describe(`a restore of a large blob with ${transportVariable}=sdk`, () => {
  let server: S3Server;
  let root: string;
  beforeAll(async () => {
    server = await startS3Server();
    root = await makeTemporaryDirectory('large-read-transport');
  });
  afterAll(async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  });

  /**
   * The ranged GETs sent through node:http during `run`: the SDK's handler sends every request there,
   * where the direct transport opens sockets of its own and never appears.
   */
  async function rangedGetsThroughNodeHttp(run: () => Promise<void>): Promise<number> {
    let count = 0;
    const seen = ({ request }: { request: ClientRequest }): void => {
      if (request.method === 'GET' && request.getHeader('range') !== undefined) count++;
    };
    const listener = seen as (message: unknown) => void;
    subscribe('http.client.request.start', listener);
    try {
      await run();
    } finally {
      unsubscribe('http.client.request.start', listener);
    }
    return count;
  }

  test('brings the bytes back right through the SDK’s handler; with `direct`, no part goes there', async () => {
    const workspace = join(root, 'step');
    await mkdir(workspace, { recursive: true });
    const size = rangedDownloadThreshold + 5 * 1024 * 1024 + 11;
    const definition = largeBlobStep(workspace, size, 'large read transport');
    const restore = async (transport: string): Promise<{ ranged: number; bytes: Buffer }> => {
      await rm(join(workspace, 'out'), { recursive: true, force: true });
      process.env[transportVariable] = transport;
      try {
        // The transport is chosen when the remote is made.
        const remote = await openRemote(`s3://${server.bucket}/transport`, root, { endpoint: server.endpoint, forcePathStyle: true });
        const context = { remote, scope: planExplicitScope('local', 'tests'), concurrency: 4, failOnCacheError: true, environment: process.env };
        let status = '';
        const ranged = await rangedGetsThroughNodeHttp(async () => void (status = (await executeStep(definition, context, 'auto')).status));
        assert.equal(status, 'hit');
        return { ranged, bytes: await readFile(join(workspace, 'out', 'large.bin')) };
      } finally {
        delete process.env[transportVariable];
      }
    };
    const remote = await openRemote(`s3://${server.bucket}/transport`, root, { endpoint: server.endpoint, forcePathStyle: true });
    await executeStep(definition, { remote, scope: planExplicitScope('local', 'tests'), concurrency: 4, failOnCacheError: true, environment: process.env }, 'auto');
    const produced = await readFile(join(workspace, 'out', 'large.bin'));

    const throughSdk = await restore('sdk');
    assert.ok(throughSdk.bytes.equals(produced), 'the bytes restored through the SDK’s handler are the ones saved');
    assert.equal(throughSdk.ranged, Math.ceil(size / downloadPartSize(size)), 'every part went through the SDK’s handler');

    const direct = await restore('direct');
    assert.ok(direct.bytes.equals(produced));
    assert.equal(direct.ranged, 0, 'the direct transport’s parts do not go through node:http');
  });
});
