import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { planExplicitScope } from '../../src/core/scope.js';
import { CacheFailure } from '../../src/core/errors.js';
import { executeStep } from '../../src/engine/executeStep.js';
import { type StepContext } from '../../src/engine/stepContext.js';
import { type StepDefinition } from '../../src/engine/stepDefinition.js';
import { openRemote } from '../../src/remote/openRemote.js';
import { downloadPartSize, rangedDownloadThreshold } from '../../src/store/transferPlan.js';
import { type Fault, type FaultProxy, startFaultProxy } from '../helpers/faultProxy.js';
import { s3rverCredentials, type S3Server, startS3Server } from '../helpers/s3Server.js';
import { makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';

Object.assign(process.env, s3rverCredentials);

/** Short enough that a stalled server fails the test's requests quickly; three attempts each. */
const timeoutSeconds = 1;

let root: string;
let server: S3Server;
let proxy: FaultProxy;
let caseCount = 0;

beforeAll(async () => {
  root = await makeTemporaryDirectory('outages');
  server = await startS3Server();
  proxy = await startFaultProxy(server.endpoint);
});

afterAll(async () => {
  await proxy.stop();
  await server.stop();
  await rm(root, { recursive: true, force: true });
});

/** A step whose every run leaves a line in a counter file, with a good result already saved. */
async function savedStep(): Promise<{ definition: StepDefinition; counter: string; context: (failOnCacheError?: boolean) => StepContext }> {
  const workspace = join(root, `case-${++caseCount}`);
  const counter = join(root, `case-${caseCount}.runs`);
  await writeFiles(workspace, { 'input.txt': 'input\n' });
  const definition: StepDefinition = {
    workingDirectory: workspace,
    command: [`echo ran >> "${counter}"`, 'mkdir -p out', 'head -c 300000 /dev/urandom > out/a.bin', 'cp input.txt out/b.txt'],
    deps: ['input.txt'],
    outputs: ['out'],
    env: [],
    keyExtra: `case ${caseCount}`,
  };
  const remote = await openRemote(`s3://${server.bucket}/outages`, root, { endpoint: proxy.url, forcePathStyle: true, timeoutSeconds });
  const context = (failOnCacheError = false): StepContext => ({ remote, scope: planExplicitScope('local', 'tests'), concurrency: 4, failOnCacheError, environment: process.env });
  proxy.setFault('pass');
  await executeStep(definition, context(), 'auto');
  await rm(join(workspace, 'out'), { recursive: true });
  return { definition, counter, context };
}

async function runs(counter: string): Promise<number> {
  return existsSync(counter) ? (await readFile(counter, 'utf8')).split('\n').filter(Boolean).length : 0;
}

const faults: { fault: Fault; methods?: string[]; label: string }[] = [
  { fault: 'error', label: 'answering 500 to everything' },
  { fault: 'reset', methods: ['GET'], label: 'resetting connections mid-download' },
  { fault: 'stall', label: 'stalling without an answer' },
];

describe('a failing S3 server never fails the step by default, and never hangs it', () => {
  for (const { fault, methods, label } of faults) {
    test(`${label}: the command runs as on a miss, with a warning; under fail-on-cache-error the step fails before running`, async () => {
      const step = await savedStep();
      proxy.setFault(fault, methods);
      const started = performance.now();
      const report = await executeStep(step.definition, step.context(), 'auto');
      assert.equal(report.status, 'error', `status for ${label}: ${report.reason}`);
      assert.equal(report.ran, true, 'the command ran');
      assert.equal(report.exit_code, 0, 'the command succeeded');
      assert.equal(await runs(step.counter), 2, 'the command ran again, once');
      assert.ok(report.warnings.some((warning) => /remote failed/.test(warning)), `a warning says the remote failed: ${report.warnings.join(' | ')}`);
      assert.ok(existsSync(join(step.definition.workingDirectory, 'out', 'b.txt')), 'the outputs are the command’s own');
      // Three attempts of a one-second timeout per request, a few requests: well under a minute.
      assert.ok(performance.now() - started < 45_000, `took ${Math.round(performance.now() - started)} ms`);

      await rm(join(step.definition.workingDirectory, 'out'), { recursive: true, force: true });
      await assert.rejects(executeStep(step.definition, step.context(true), 'auto'), CacheFailure, 'fail-on-cache-error turns the failure into an error');
      assert.equal(await runs(step.counter), 2, 'under fail-on-cache-error the command does not run');
      proxy.setFault('pass');
    });
  }

  test('connections reset in the middle of a large blob cost only those parts again: a hit, byte for byte', async () => {
    const workspace = join(root, `case-${++caseCount}`);
    await mkdir(workspace);
    const definition: StepDefinition = {
      workingDirectory: workspace,
      command: ['mkdir -p out', `head -c ${rangedDownloadThreshold + 3 * 1024 * 1024} /dev/urandom > out/large.bin`],
      deps: [],
      outputs: ['out'],
      env: [],
      keyExtra: `case ${caseCount}`,
    };
    // Resets need no short timeout, and a 16 MiB part may take more than a second on a busy machine.
    const remote = await openRemote(`s3://${server.bucket}/outages`, root, { endpoint: proxy.url, forcePathStyle: true });
    const context: StepContext = { remote, scope: planExplicitScope('local', 'tests'), concurrency: 4, failOnCacheError: true, environment: process.env };
    proxy.setFault('pass');
    await executeStep(definition, context, 'auto');
    const produced = await readFile(join(workspace, 'out', 'large.bin'));
    await rm(join(workspace, 'out'), { recursive: true });
    const requestsBefore = proxy.requests;
    // Two ranged GETs lose their connection half-way; everything else passes.
    proxy.setFault('reset', (request) => request.method === 'GET' && request.headers.range !== undefined, 2);
    const report = await executeStep(definition, context, 'auto');
    proxy.setFault('pass');
    assert.equal(report.status, 'hit', `${report.reason} ${report.warnings.join(' | ')}`);
    assert.deepEqual(await readFile(join(workspace, 'out', 'large.bin')), produced);
    const parts = Math.ceil(produced.length / downloadPartSize(produced.length));
    // A listing, the manifest, every part once, and the two parts again.
    assert.equal(proxy.requests - requestsBefore, 2 + parts + 2);
  });

  test('a server that fails only while saving: the command ran, the save failed loudly, nothing half-saved is visible', async () => {
    const step = await savedStep();
    const changed: StepDefinition = { ...step.definition, keyExtra: `${step.definition.keyExtra} changed` };
    proxy.setFault('error', ['PUT', 'POST']);
    const report = await executeStep(changed, step.context(), 'auto');
    assert.equal(report.status, 'error', report.reason);
    assert.match(report.save, /^failed: /);
    assert.ok(report.warnings.some((warning) => /nothing was saved/.test(warning)), report.warnings.join(' | '));
    proxy.setFault('pass');
    await rm(join(changed.workingDirectory, 'out'), { recursive: true });
    const next = await executeStep(changed, step.context(), 'auto');
    assert.equal(next.status, 'miss', 'no entry from the failed save is visible');
  });
});
