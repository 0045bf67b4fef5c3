import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { s3rverCredentials, type S3Server, startS3Server } from '../helpers/s3Server.js';
import { describeTree, makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import { parseFileCommands, runAction, type RunnerJob } from './actionRunner.js';

const script = [
  'echo "training with seed 1"',
  'echo ran >> "$STOAT_TEST_COUNTER"',
  'mkdir -p model',
  'cat train.py data/*.txt > model/weights.bin',
  'head -c 200000 /dev/urandom > model/optimizer.bin',
  'printf "#!/bin/sh\\necho serve\\n" > model/serve.sh && chmod 755 model/serve.sh',
  `echo '{"accuracy": 0.9}' > metrics.json`,
].join('\n');

let root: string;

/** A new job: an empty runner temp and a workspace checked out with the step's sources. */
async function newJob(name: string, event: Partial<RunnerJob> = {}): Promise<RunnerJob> {
  const workspace = join(root, name, 'workspace');
  await writeFiles(workspace, { 'train.py': 'print("train")\n', 'data/a.txt': 'alpha\n', 'data/b.txt': 'beta\n' });
  const runnerTemp = join(root, name, 'temp');
  await mkdir(runnerTemp, { recursive: true });
  return { workspace, runnerTemp, toolCache: join(root, 'tool-cache'), eventName: 'push', ref: 'refs/heads/main', payload: { repository: { default_branch: 'main' } }, ...event };
}

async function count(counter: string): Promise<number> {
  return existsSync(counter) ? (await readFile(counter, 'utf8')).split('\n').filter(Boolean).length : 0;
}

beforeAll(async () => {
  root = await makeTemporaryDirectory('e2e-action');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('run mode on the runner-disk store', () => {
  test('a miss runs and saves; the next job restores the same bytes without running', async () => {
    const counter = join(root, 'run-mode-counter');
    const inputs = { run: `${script}\n`, deps: 'train.py\ndata/\n', outputs: 'model/\nmetrics.json\n' };
    const first = await newJob('run-first');
    const miss = await runAction(first, 'action.yml', 'main', inputs, {}, { STOAT_TEST_COUNTER: counter });
    assert.equal(miss.exitCode, 0, miss.stdout + miss.stderr);
    assert.match(miss.stdout, /training with seed 1/);
    assert.equal(miss.outputs.hit, 'false');
    assert.equal(miss.outputs.status, 'miss');
    assert.match(miss.outputs.key!, /^[0-9a-f]{64}$/);
    const report = JSON.parse(await readFile(miss.outputs.report!, 'utf8'));
    assert.equal(report.scope, 'trusted');
    assert.deepEqual(report.outputs.map((output: { path: string; status: string }) => [output.path, output.status]), [['model', 'saved'], ['metrics.json', 'saved']]);
    // The input-hash report shows exactly what the coreutils tools print.
    for (const tool of ['md5sum', 'sha1sum', 'sha256sum']) {
      const digest = execFileSync(tool, ['data/b.txt'], { cwd: first.workspace, encoding: 'utf8' }).split(' ')[0]!;
      assert.ok(miss.summary.includes(digest), `${tool} digest ${digest} is in the summary`);
    }
    assert.ok(miss.summary.includes(miss.outputs.key!));
    const produced = { model: await describeTree(join(first.workspace, 'model')), metrics: await readFile(join(first.workspace, 'metrics.json')) };

    const second = await newJob('run-second');
    const hit = await runAction(second, 'action.yml', 'main', inputs, {}, { STOAT_TEST_COUNTER: counter });
    assert.equal(hit.exitCode, 0, hit.stdout + hit.stderr);
    assert.equal(hit.outputs.hit, 'true');
    assert.equal(hit.outputs.status, 'hit');
    assert.equal(hit.outputs.key, miss.outputs.key);
    assert.doesNotMatch(hit.stdout, /training with seed 1/);
    assert.equal(await count(counter), 1);
    assert.deepEqual(await describeTree(join(second.workspace, 'model')), produced.model);
    assert.deepEqual(await readFile(join(second.workspace, 'metrics.json')), produced.metrics);
    assert.match(hit.summary, /Restored/i);

    const post = await runAction(second, 'action.yml', 'post', inputs, hit.state);
    assert.equal(post.exitCode, 0, post.stdout);
    assert.equal(post.summary, '');
  });

  test('a failing script fails the step and saves nothing', async () => {
    const job = await newJob('run-failing');
    const run = await runAction(job, 'action.yml', 'main', { run: 'mkdir -p out && echo partial > out/x\nexit 3', outputs: 'out/', remote: join(root, 'failing-remote') });
    assert.equal(run.exitCode, 1);
    assert.match(run.stdout, /::error::the command failed with exit code 3/);
    assert.equal(run.outputs.hit, 'false');
    assert.equal(existsSync(join(root, 'failing-remote', 'stoat', 'v1', 'outputs')), false);
  });

  test('neither run nor command is an error that says what to set', async () => {
    const job = await newJob('run-neither');
    const run = await runAction(job, 'action.yml', 'main', { outputs: 'out/' });
    assert.equal(run.exitCode, 1);
    assert.match(run.stdout, /::error::set exactly one of the inputs "run" \(the script to run on a miss\) or "command".*: neither is set/);
    assert.equal(run.outputs.hit, 'false');
  });

  test('a pull request saves into its own scope, which a push to the default branch never reads', async () => {
    const inputs = { run: 'echo ran >> "$STOAT_TEST_COUNTER"; echo built > out.txt', outputs: 'out.txt', remote: join(root, 'scoped-remote') };
    const counter = join(root, 'scoped-counter');
    const pullRequest = await newJob('scoped-pr', { eventName: 'pull_request', ref: 'refs/pull/42/merge', payload: { repository: { default_branch: 'main' }, pull_request: { number: 42, head: { repo: { full_name: 'octo/pipeline', fork: false } }, base: { repo: { full_name: 'octo/pipeline' } } } } });
    const fromPullRequest = await runAction(pullRequest, 'action.yml', 'main', inputs, {}, { STOAT_TEST_COUNTER: counter });
    assert.equal(fromPullRequest.exitCode, 0, fromPullRequest.stdout);
    const report = JSON.parse(await readFile(fromPullRequest.outputs.report!, 'utf8'));
    assert.deepEqual([report.scope, report.read_scopes], ['pr-42', ['pr-42', 'trusted']]);
    // What the saved manifest records of the run, read through @actions/github's context.
    const manifest = JSON.parse(await readFile(report.outputs[0].manifest, 'utf8'));
    assert.deepEqual(manifest.provenance, {
      ...manifest.provenance,
      commit: '0123456789abcdef0123456789abcdef01234567',
      ref: 'refs/pull/42/merge',
      event: 'pull_request',
      run: 'https://github.com/octo/pipeline/actions/runs/42/attempts/1',
      workflow: 'train',
      repository: 'octo/pipeline',
      pull_request: 42,
    });
    const push = await newJob('scoped-push');
    const fromPush = await runAction(push, 'action.yml', 'main', inputs, {}, { STOAT_TEST_COUNTER: counter });
    assert.equal(fromPush.outputs.hit, 'false');
    assert.equal(await count(counter), 2);
  });

  test('both run and command is an error that names them, with hit still set', async () => {
    const job = await newJob('run-both');
    const run = await runAction(job, 'action.yml', 'main', { run: 'true', command: 'true', outputs: 'out/' });
    assert.equal(run.exitCode, 1);
    assert.match(run.stdout, /::error::set exactly one of the inputs "run".*"command".*"run" and "command" are set/);
    assert.equal(run.outputs.hit, 'false');
    assert.equal(run.outputs.status, 'error');
  });
});

describe('a job summary that cannot be written', () => {
  const summaryFiles: { label: string; make: (job: RunnerJob) => Promise<string>; skip?: string | false }[] = [
    { label: 'a directory', make: async (job) => mkdir(join(job.runnerTemp, 'summary-folder'), { recursive: true }).then(() => join(job.runnerTemp, 'summary-folder')) },
    { label: 'in a folder that does not exist', make: async (job) => join(job.runnerTemp, 'no-such-folder', 'summary') },
    {
      label: 'read-only',
      make: async (job) => {
        const file = join(job.runnerTemp, 'read-only-summary');
        await writeFile(file, '');
        await chmod(file, 0o444);
        return file;
      },
      skip: process.getuid?.() === 0 ? 'root writes any file' : false,
    },
  ];
  for (const { label, make, skip } of summaryFiles) {
    (skip === undefined || skip === false ? test : test.skip)(`a summary file ${label} is a warning: the save stands, and each output is written once with its value`, async () => {
      const job = await newJob(`summary-${label.replace(/\W+/g, '-')}`);
      const outputFile = join(job.runnerTemp, 'outputs-as-written');
      await writeFile(outputFile, '');
      const inputs = { run: 'echo built > out.txt', outputs: 'out.txt', remote: join(job.runnerTemp, 'remote') };
      const run = await runAction(job, 'action.yml', 'main', inputs, {}, { GITHUB_STEP_SUMMARY: await make(job), GITHUB_OUTPUT: outputFile });
      assert.equal(run.exitCode, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /^::warning::the job summary was not written \(GITHUB_STEP_SUMMARY is .*\): the step's outputs and the JSON report at .* are complete/m);
      assert.doesNotMatch(run.stdout, /::error::|unexpectedly/);
      const written = await readFile(outputFile, 'utf8');
      assert.equal(written.match(/^status<</gm)?.length, 1, `status is written once: ${written}`);
      assert.equal(written.match(/^hit<</gm)?.length, 1, `hit is written once: ${written}`);
      const outputs = parseFileCommands(written);
      assert.deepEqual([outputs.status, outputs.hit], ['miss', 'false']);
      const report = JSON.parse(await readFile(outputs.report!, 'utf8'));
      assert.equal(report.outputs[0].status, 'saved');
    });
  }
});

describe('command mode and the sub-actions on S3', () => {
  let server: S3Server;
  let s3Inputs: Record<string, string>;
  let s3Environment: Record<string, string>;

  beforeAll(async () => {
    server = await startS3Server();
    s3Inputs = { remote: `s3://${server.bucket}/ci-cache`, 's3-endpoint': server.endpoint };
    s3Environment = { ...s3rverCredentials };
  });

  afterAll(async () => {
    await server.stop();
  });

  test('main restores, the workflow runs the command, post saves; the next job hits', async () => {
    const inputs = { command: 'python train.py --seed 1', deps: 'train.py\ndata/', outputs: 'model/\nmetrics.json', ...s3Inputs };
    const first = await newJob('command-first');
    const main = await runAction(first, 'action.yml', 'main', inputs, {}, s3Environment);
    assert.equal(main.exitCode, 0, main.stdout + main.stderr);
    assert.equal(main.outputs.hit, 'false');
    // The workflow's own step, run because hit is not 'true'.
    execFileSync('bash', ['-eo', 'pipefail', '-c', script], { cwd: first.workspace, env: { ...process.env, STOAT_TEST_COUNTER: join(root, 'command-counter') } });
    const post = await runAction(first, 'action.yml', 'post', inputs, main.state, s3Environment);
    assert.equal(post.exitCode, 0, post.stdout + post.stderr);
    assert.equal(post.outputs.status, 'miss');
    const saved = JSON.parse(await readFile(main.outputs.report!, 'utf8'));
    assert.deepEqual(saved.outputs.map((output: { status: string }) => output.status), ['saved', 'saved']);
    assert.match(saved.outputs[0].manifest, new RegExp(`^s3://${server.bucket}/ci-cache/stoat/v1/outputs/model/${main.outputs.key}/trusted/[0-9a-f]{64}\\.json$`));

    const second = await newJob('command-second');
    const hit = await runAction(second, 'action.yml', 'main', inputs, {}, s3Environment);
    assert.equal(hit.exitCode, 0, hit.stdout + hit.stderr);
    assert.equal(hit.outputs.hit, 'true');
    assert.deepEqual(await describeTree(join(second.workspace, 'model')), await describeTree(join(first.workspace, 'model')));
    const secondPost = await runAction(second, 'action.yml', 'post', inputs, hit.state, s3Environment);
    assert.equal(secondPost.exitCode, 0);
    assert.match(secondPost.stdout, /nothing to save/);
  });

  test('the restore and save sub-actions round-trip a step', async () => {
    const inputs = { command: 'make features', deps: 'data/*.txt', outputs: 'features.bin', ...s3Inputs };
    const first = await newJob('sub-first');
    const miss = await runAction(first, 'restore/action.yml', 'main', inputs, {}, s3Environment);
    assert.equal(miss.exitCode, 0, miss.stdout + miss.stderr);
    assert.equal(miss.outputs.hit, 'false');
    await writeFile(join(first.workspace, 'features.bin'), 'features of alpha and beta\n');
    const save = await runAction(first, 'save/action.yml', 'main', inputs, {}, s3Environment);
    assert.equal(save.exitCode, 0, save.stdout + save.stderr);
    assert.equal(save.outputs.key, miss.outputs.key);
    const second = await newJob('sub-second');
    const hit = await runAction(second, 'restore/action.yml', 'main', inputs, {}, s3Environment);
    assert.equal(hit.outputs.hit, 'true', hit.stdout);
    assert.equal(await readFile(join(second.workspace, 'features.bin'), 'utf8'), 'features of alpha and beta\n');
  });

  test('a bucket that does not exist fails the step with its name, before anything runs', async () => {
    const job = await newJob('no-bucket');
    const counter = join(root, 'no-bucket-counter');
    const run = await runAction(job, 'action.yml', 'main', { run: 'echo ran >> "$STOAT_TEST_COUNTER"', outputs: 'out', remote: 's3://no-such-bucket/x', 's3-endpoint': server.endpoint }, {}, { ...s3Environment, STOAT_TEST_COUNTER: counter });
    assert.equal(run.exitCode, 1);
    assert.match(run.stdout, /::error::the S3 bucket "no-such-bucket" does not exist/);
    assert.equal(await count(counter), 0);
  });
});
