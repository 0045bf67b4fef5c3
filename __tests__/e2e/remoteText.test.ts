import assert from 'node:assert/strict';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { type StepReport } from '../../src/core/stepReport.js';
import { s3rverCredentials } from '../helpers/s3Server.js';
import { runCli } from '../helpers/stoatChild.js';
import { makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import { repositoryRoot, runAction, type RunnerJob } from './actionRunner.js';

/**
 * A server standing in for S3 that refuses every request with an error whose message forges a
 * workflow command on a line of its own and clears the terminal. 403 is not retried, so each run
 * is quick.
 */
const forgedMessage = 'Access Denied\n::error::forged\r\n::add-mask::x \u001b[2J\u009b31m\u2028::warning::forged';
/** What an XML parser hands on: a `\r\n` inside text becomes `\n`. */
const parsedMessage = forgedMessage.replace(/\r\n/g, '\n');
const errorBody = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>${forgedMessage}</Message><RequestId>1</RequestId></Error>`;

const cli = join(repositoryRoot, 'dist', 'cli', 'index.js');
let root: string;
let server: Server;
let endpoint: string;

beforeAll(async () => {
  root = await makeTemporaryDirectory('remote-text');
  server = createServer((request, response) => {
    request.resume();
    response.writeHead(403, { 'content-type': 'application/xml' });
    response.end(request.method === 'HEAD' ? undefined : errorBody);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(root, { recursive: true, force: true });
});

/**
 * Lines a runner or a terminal would act on: a workflow command (the runner trims leading space
 * before it looks), or any control character. `annotation` matches the commands stoat itself writes.
 */
function assertInert(output: string, label: string, annotation = /^$/): void {
  for (const line of output.split(/\r?\n/)) {
    const trimmed = line.trimStart();
    assert.ok(!trimmed.startsWith('::') || annotation.test(trimmed), `${label}: a line reads as a workflow command: ${JSON.stringify(line)}`);
  }
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const control = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/.exec(output);
  assert.equal(control, null, `${label}: a control character reaches the output: ${JSON.stringify(control?.[0])}`);
}

/** The annotations the Action writes itself; their text is stoat's, never a forged command of its own. */
const ownAnnotation = /^::(warning|error|debug)::(?!forged)/;

/** The built CLI in its own process: the server above answers from this one, so the run must not block it. */
async function stoat(cwd: string, args: string[]) {
  const outcome = await runCli(cli, cwd, args, { PATH: process.env.PATH ?? '', HOME: join(root, 'home'), ...s3rverCredentials });
  return { exitCode: outcome.exitCode, stdout: outcome.stdout, stderr: outcome.stderr };
}

describe('text from a remote reaches the CLI output inert', () => {
  const remote = () => ['--remote', 's3://forged-bucket/cache', '--s3-endpoint', endpoint];

  test('warnings and the text report escape a forged command and escape codes; the JSON report keeps the text', async () => {
    const workspace = join(root, 'cli-exec');
    await writeFiles(workspace, { 'input.txt': 'input\n' });
    const run = await stoat(workspace, ['exec', '--deps', 'input.txt', '--outputs', 'out.txt', '--json', ...remote(), '--', 'echo built > out.txt']);
    assert.equal(run.exitCode, 0, run.stderr);
    assertInert(run.stderr, 'standard error');
    assert.match(run.stderr, /::error::forged/, 'the message is still shown, escaped');
    assert.match(run.stderr, /\\u000a::error::forged/);
    assert.match(run.stderr, /\\u001b\[2J/);
    const report = JSON.parse(run.stdout) as StepReport;
    assert.equal(report.status, 'error');
    assert.ok(report.warnings.some((warning) => warning.includes(parsedMessage)), 'the JSON report holds the raw text');
  });

  test('an error message under --fail-on-cache-error is escaped', async () => {
    const workspace = join(root, 'cli-fail');
    await writeFiles(workspace, { 'input.txt': 'input\n' });
    const run = await stoat(workspace, ['exec', '--deps', 'input.txt', '--outputs', 'out.txt', '--fail-on-cache-error', ...remote(), '--', 'echo built > out.txt']);
    assert.equal(run.exitCode, 1, run.stderr);
    assertInert(run.stdout + run.stderr, 'output');
    assert.match(run.stderr, /stoat exec: the remote failed while restoring: .*::error::forged/);
  });

  test('the text report of restore, without --json, is escaped', async () => {
    const workspace = join(root, 'cli-restore');
    await writeFiles(workspace, { 'input.txt': 'input\n' });
    const run = await stoat(workspace, ['restore', '--deps', 'input.txt', '--outputs', 'out.txt', '--command', 'build', ...remote()]);
    assert.equal(run.exitCode, 0, run.stderr);
    assertInert(run.stdout + run.stderr, 'output');
    assert.match(run.stderr, /stoat: remote error: /);
  });
});

describe('text from a remote reaches the Action log inert', () => {
  test('the log lines, the warning annotations and the failure message hold no forged command', async () => {
    const workspace = join(root, 'action', 'workspace');
    await writeFiles(workspace, { 'input.txt': 'input\n' });
    const runnerTemp = join(root, 'action', 'temp');
    await mkdir(runnerTemp, { recursive: true });
    const job: RunnerJob = { workspace, runnerTemp, toolCache: join(root, 'tool-cache'), eventName: 'push', ref: 'refs/heads/main', payload: { repository: { default_branch: 'main' } } };
    const inputs = { run: 'echo built > out.txt', deps: 'input.txt', outputs: 'out.txt', remote: 's3://forged-bucket/cache', 's3-endpoint': endpoint };
    const run = await runAction(job, 'action.yml', 'main', inputs, {}, { ...s3rverCredentials });
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.equal(run.outputs.status, 'error');
    assertInert(run.stdout, 'the log', ownAnnotation);
    assert.match(run.stdout, /^::warning::the remote failed while restoring: .*::error::forged/m);
    const report = JSON.parse(await readFile(run.outputs.report!, 'utf8')) as StepReport;
    assert.ok(report.reason.includes(parsedMessage), 'the report file holds the raw text');
    assertInert(run.summary, 'the job summary');

    const failing = await runAction(job, 'action.yml', 'main', { ...inputs, 'fail-on-cache-error': 'true' }, {}, { ...s3rverCredentials });
    assert.equal(failing.exitCode, 1, failing.stdout);
    assertInert(failing.stdout, 'the failure', ownAnnotation);
    assert.match(failing.stdout, /^::error::the remote failed while restoring: .*::error::forged/m);
  });
});
