import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { type FakeGitHubApi, startFakeGitHubApi } from '../helpers/fakeGitHubApi.js';
import { makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';
import { runAction, type RunnerJob } from './actionRunner.js';

/*
 * The sticky pull-request comment, written by the built bundle through @actions/github's Octokit
 * against a local fake of GitHub's REST API (GITHUB_API_URL): created once, updated in place, and a
 * notice, never a failure, where the token cannot write.
 */

let root: string;
let api: FakeGitHubApi;
let jobs = 0;

beforeAll(async () => {
  root = await makeTemporaryDirectory('e2e-comment');
  api = await startFakeGitHubApi();
});

afterAll(async () => {
  await api.stop();
  await rm(root, { recursive: true, force: true });
});

const pullRequest = {
  eventName: 'pull_request',
  ref: 'refs/pull/7/merge',
  payload: { repository: { default_branch: 'main', full_name: 'octo/pipeline' }, pull_request: { number: 7, head: { repo: { full_name: 'octo/pipeline', fork: false } }, base: { repo: { full_name: 'octo/pipeline' } } } },
};

async function newJob(event: Partial<RunnerJob> = pullRequest): Promise<RunnerJob> {
  const name = `job-${++jobs}`;
  const workspace = join(root, name, 'workspace');
  await writeFiles(workspace, { 'in.txt': 'input\n' });
  const runnerTemp = join(root, name, 'temp');
  await mkdir(runnerTemp, { recursive: true });
  return { workspace, runnerTemp, toolCache: join(root, 'tool-cache'), eventName: 'push', ref: 'refs/heads/main', payload: { repository: { default_branch: 'main' } }, ...event };
}

const inputs = (remote: string) => ({ run: 'cp in.txt out.txt', deps: 'in.txt', outputs: 'out.txt', remote: join(root, remote), comment: 'true', 'github-token': 'test-token' });
const environment = () => ({ GITHUB_API_URL: api.url, GITHUB_JOB: 'build' });
const marker = '<!-- stoat-summary workflow=train job=build -->';

describe('comment: true on a pull request', () => {
  test('creates one comment with the job\'s table and a link to the summary, then updates it in place', async () => {
    api.comments.length = 0;
    api.requests.length = 0;
    api.comments.push({ id: 1, body: `${marker}\nplanted by someone without write access`, user: { login: 'mallory', type: 'User' }, author_association: 'NONE' });
    const first = await runAction(await newJob(), 'action.yml', 'main', inputs('comment-remote'), {}, environment());
    assert.equal(first.exitCode, 0, first.stdout);
    assert.equal(api.comments.length, 2, 'a comment by someone without write access is never taken for the job\'s own');
    const created = api.comments[1]!;
    assert.ok(created.body.startsWith(`${marker}\n### stoat in train / build: 1 step — 1 ran`), created.body);
    assert.match(created.body, /\| <code>cp in\.txt out\.txt<\/code> \| ▶️ ran \| [\d.]+ m?s \| — \|/);
    assert.match(created.body, /\[the job summary\]\(https:\/\/github\.com\/octo\/pipeline\/actions\/runs\/42\/attempts\/1\)/);
    assert.deepEqual(api.requests.map((request) => request.method), ['GET', 'POST']);
    assert.ok(api.requests.every((request) => request.authorization === 'token test-token'));

    const second = await runAction(await newJob(), 'action.yml', 'main', inputs('comment-remote'), {}, environment());
    assert.equal(second.outputs.hit, 'true');
    assert.equal(api.comments.length, 2, 'the second run updates the comment instead of adding one');
    assert.match(api.comments[1]!.body, /1 step — 1 restored/);
    assert.deepEqual(api.requests.slice(2).map((request) => `${request.method} ${request.path.split('?')[0]}`), ['GET /repos/octo/pipeline/issues/7/comments', `PATCH /repos/octo/pipeline/issues/comments/${created.id}`]);
  });

  test('a token that cannot write is a notice, and the step succeeds', async () => {
    api.comments.length = 0;
    api.writable = false;
    try {
      const run = await runAction(await newJob(), 'action.yml', 'main', inputs('forbidden-remote'), {}, environment());
      assert.equal(run.exitCode, 0, run.stdout);
      assert.equal(run.outputs.status, 'miss');
      assert.match(run.stdout, /^::notice::stoat could not write its pull-request comment \(.*Resource not accessible by integration.*\): the token cannot write comments here: a pull request from a fork gets a read-only token/m);
      assert.doesNotMatch(run.stdout, /::error::/);
      assert.equal(api.comments.length, 0);
    } finally {
      api.writable = true;
    }
  });

  test('a run for no pull request asks GitHub nothing', async () => {
    api.requests.length = 0;
    const run = await runAction(await newJob({}), 'action.yml', 'main', inputs('push-remote'), {}, environment());
    assert.equal(run.exitCode, 0, run.stdout);
    assert.match(run.stdout, /comment is true, but this run is for no pull request/);
    assert.deepEqual(api.requests, []);
  });

  test('an API that does not answer is a notice too', async () => {
    const run = await runAction(await newJob(), 'action.yml', 'main', inputs('down-remote'), {}, { ...environment(), GITHUB_API_URL: 'http://127.0.0.1:9' });
    assert.equal(run.exitCode, 0, run.stdout);
    assert.match(run.stdout, /^::notice::stoat could not write its pull-request comment/m);
  });

  test('comment must be true or false', async () => {
    const run = await runAction(await newJob(), 'action.yml', 'main', { ...inputs('bad-remote'), comment: 'yes' }, {}, environment());
    assert.equal(run.exitCode, 1);
    assert.match(run.stdout, /::error::the input "comment" is "yes": use true or false/);
  });
});

/*
 * The runner passes a `with:` input the metadata does not declare on to the step all the same, so a
 * `comment: true` given to the restore or save sub-action reaches its bundle: it must ask GitHub nothing.
 */
describe('comment: true on the sub-actions', () => {
  test('restore and save write no comment; the main action later in the job writes one with their rows', async () => {
    api.comments.length = 0;
    api.requests.length = 0;
    const job = await newJob();
    await writeFiles(job.workspace, { 'out.txt': 'built\n' });
    const step = { command: 'make out.txt', deps: 'in.txt', outputs: 'out.txt', remote: join(root, 'sub-remote'), comment: 'true', 'github-token': 'test-token' };
    for (const metadata of ['restore/action.yml', 'save/action.yml']) {
      const run = await runAction(job, metadata, 'main', step, {}, environment());
      assert.equal(run.exitCode, 0, run.stdout + run.stderr);
      assert.doesNotMatch(run.stdout, /pull-request comment/);
    }
    assert.deepEqual(api.requests, [], 'the sub-actions asked GitHub nothing');
    assert.equal(api.comments.length, 0);

    const main = await runAction(job, 'action.yml', 'main', inputs('sub-remote'), {}, environment());
    assert.equal(main.exitCode, 0, main.stdout + main.stderr);
    assert.equal(api.comments.length, 1);
    assert.match(api.comments[0]!.body, /3 steps/, 'the comment has the rows of the sub-actions that ran before');
  });
});
