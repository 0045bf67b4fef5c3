import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { RemoteError, RemoteGaveUpError } from '../../src/core/errors.js';
import { executeStep } from '../../src/engine/executeStep.js';
import { type StepDefinition } from '../../src/engine/stepDefinition.js';
import { stepContextOf } from '../../src/engine/stepContextOf.js';
import { silentProgress } from '../../src/core/transferProgress.js';
import { FileRemote } from '../../src/remote/fileRemote.js';
import { type Remote } from '../../src/remote/remote.js';
import { failuresBeforeGivingUp, withOutageBreaker } from '../../src/remote/outageBreaker.js';
import { type FaultProxy, startFaultProxy } from '../helpers/faultProxy.js';
import { s3rverCredentials, type S3Server, startS3Server } from '../helpers/s3Server.js';
import { makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';

Object.assign(process.env, s3rverCredentials);

let root: string;
let server: S3Server;
let proxy: FaultProxy;

beforeAll(async () => {
  root = await makeTemporaryDirectory('breaker');
  server = await startS3Server();
  proxy = await startFaultProxy(server.endpoint);
});

afterAll(async () => {
  await proxy.stop();
  await server.stop();
  await rm(root, { recursive: true, force: true });
});

describe('a remote that is down is asked only until it has failed a few requests in a row', () => {
  test('after three failures in a row the next request fails at once, naming the first; an answer resets the count', async () => {
    let failing = true;
    const directory = new FileRemote(join(root, 'unit'));
    let asked = 0;
    // A directory remote whose existence checks fail while `failing` is set.
    const flaky: Remote = {
      display: 'flaky',
      locate: (key) => directory.locate(key),
      read: (key, range) => directory.read(key, range),
      writeIfAbsent: (key, source) => directory.writeIfAbsent(key, source),
      list: (prefix) => directory.list(prefix),
      async exists(key) {
        asked++;
        if (failing) throw new RemoteError(`request ${asked} refused`, 'flaky');
        return directory.exists(key);
      },
    };
    const remote = withOutageBreaker(flaky);
    for (let attempt = 1; attempt < failuresBeforeGivingUp; attempt++) await assert.rejects(remote.exists('a'), /refused/);
    failing = false;
    assert.equal(await remote.exists('a'), false, 'an answer in between resets the count');
    failing = true;
    for (let attempt = 1; attempt <= failuresBeforeGivingUp; attempt++) await assert.rejects(remote.exists('a'), /refused/);
    const askedBefore = asked;
    await assert.rejects(remote.exists('a'), (error: Error) => error instanceof RemoteGaveUpError && /after 3 requests in a row failed; the first: request \d+ refused/.test(error.message));
    assert.equal(asked, askedBefore, 'the remote was not asked again');
    assert.equal(remote.replace, undefined, 'the breaker has the capabilities of the remote it guards, and no others');
    assert.notEqual(remote.list, undefined);
  });

  test('a pipeline of steps on a stalled S3 server: once it has given up, a step costs no request and no timeout, with one warning', async () => {
    const workspace = join(root, 'workspace');
    await writeFiles(workspace, { 'input.txt': 'in\n' });
    const context = await stepContextOf({
      remote: `s3://${server.bucket}/breaker`,
      s3: { endpoint: proxy.url, forcePathStyle: true, timeoutSeconds: 1 },
      workingDirectory: workspace,
      scope: { trustedRefs: [], fallback: 'local' },
      concurrency: 4,
      failOnCacheError: false,
      environment: process.env,
      github: undefined,
      progress: silentProgress,
      commandOutput: { write: () => undefined, end: () => undefined },
    });
    const step = (name: string): StepDefinition => ({ workingDirectory: workspace, command: [`mkdir -p ${name} && cp input.txt ${name}/copy.txt`], deps: ['input.txt'], outputs: [name], env: [], keyExtra: '' });
    proxy.setFault('stall');
    try {
      const first = await executeStep(step('first'), context, 'auto');
      const second = await executeStep(step('second'), context, 'auto');
      assert.deepEqual([first.status, second.status], ['error', 'error']);
      const requestsBefore = proxy.requests;
      const started = performance.now();
      const third = await executeStep(step('third'), context, 'auto');
      const elapsed = performance.now() - started;
      assert.equal(third.status, 'error');
      assert.equal(third.ran, true, 'the command still runs');
      assert.equal(proxy.requests, requestsBefore, 'not one request reached the server');
      // A request waited out would take 3 attempts of the 1 s timeout: far above this bound even on a loaded machine.
      assert.ok(elapsed < 2500, `no timeout was waited out: ${Math.round(elapsed)} ms`);
      assert.equal(third.warnings.length, 1, third.warnings.join(' | '));
      assert.match(third.warnings[0]!, /stopped asking s3:\/\/.* for the rest of this run after 3 requests in a row failed/);
      assert.match(third.save, /^failed: stoat stopped asking/);
    } finally {
      proxy.setFault('pass');
    }
  });
});
