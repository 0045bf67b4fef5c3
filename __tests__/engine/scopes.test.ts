import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type ScopePlan } from '../../src/core/scope.js';
import { executeStep } from '../../src/engine/executeStep.js';
import { planScope } from '../../src/engine/githubScope.js';
import { type StepDefinition } from '../../src/engine/stepDefinition.js';
import { openRemote } from '../../src/remote/openRemote.js';
import { listFilePaths, makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';

let root: string;
let caseCount = 0;

before(async () => {
  root = await makeTemporaryDirectory('scopes');
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The scope plan a run on GitHub gets from its event, through the same code the faces use. */
async function githubPlan(eventName: string, ref: string, payload: Record<string, unknown>): Promise<ScopePlan> {
  const eventPath = join(root, `event-${++caseCount}.json`);
  await writeFile(eventPath, JSON.stringify(payload));
  return planScope({ GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: eventName, GITHUB_REF: ref, GITHUB_EVENT_PATH: eventPath }, { trustedRefs: [], fallback: 'local' });
}

const repository = { default_branch: 'main', full_name: 'octo/pipeline' };
const pullRequest = (number: number, headRepository: string, fork: boolean) => ({
  repository,
  pull_request: { number, head: { repo: { full_name: headRepository, fork } }, base: { repo: { full_name: 'octo/pipeline' } } },
});

async function newStep(): Promise<{ definition: StepDefinition; remoteRoot: string }> {
  const workspace = join(root, `workspace-${++caseCount}`);
  await writeFiles(workspace, { 'input.txt': 'same input everywhere\n' });
  return {
    remoteRoot: join(root, `remote-${caseCount}`),
    definition: { workingDirectory: workspace, command: ['mkdir -p out && date +%N > out/made.txt'], deps: ['input.txt'], outputs: ['out'], env: [], keyExtra: '' },
  };
}

async function run(step: { definition: StepDefinition; remoteRoot: string }, scope: ScopePlan, save: 'auto' | 'always' | 'never' = 'auto') {
  await rm(join(step.definition.workingDirectory, 'out'), { recursive: true, force: true });
  const remote = await openRemote(step.remoteRoot, root);
  return executeStep(step.definition, { remote, scope, concurrency: 4, failOnCacheError: false, environment: process.env }, save);
}

async function manifestScopes(remoteRoot: string): Promise<string[]> {
  const manifests = (await listFilePaths(remoteRoot)).filter((path) => path.endsWith('.json'));
  return [...new Set(manifests.map((path) => path.split('/').at(-2)!))].sort();
}

describe('scopes keep untrusted runs from planting what trusted runs restore', () => {
  test('a pull request writes only its own scope, and a push to the default branch never restores it', async () => {
    const step = await newStep();
    const fromPullRequest = await run(step, await githubPlan('pull_request', 'refs/pull/7/merge', pullRequest(7, 'octo/pipeline', false)));
    assert.equal(fromPullRequest.scope, 'pr-7', 'a pull request writes pr-7');
    assert.deepEqual(await manifestScopes(step.remoteRoot), ['pr-7'], 'nothing was written to trusted');
    const fromPush = await run(step, await githubPlan('push', 'refs/heads/main', { repository }));
    assert.equal(fromPush.status, 'miss', 'the trusted run does not restore the pull request’s entry');
    assert.deepEqual(fromPush.read_scopes, ['trusted'], 'a trusted run reads only trusted');
    assert.deepEqual(await manifestScopes(step.remoteRoot), ['pr-7', 'trusted'], 'the trusted run saved its own entry');
  });

  test('a pull request restores what a trusted run saved', async () => {
    const step = await newStep();
    await run(step, await githubPlan('push', 'refs/heads/main', { repository }));
    const fromPullRequest = await run(step, await githubPlan('pull_request', 'refs/pull/8/merge', pullRequest(8, 'octo/pipeline', false)));
    assert.equal(fromPullRequest.status, 'hit', fromPullRequest.reason);
    assert.equal(fromPullRequest.restored_scope, 'trusted', 'restored from trusted');
  });

  test('a pull request from a fork saves nothing under save "auto", and only into its own scope under "always"', async () => {
    const step = await newStep();
    const fork = await githubPlan('pull_request', 'refs/pull/9/merge', pullRequest(9, 'stranger/pipeline', true));
    assert.equal(fork.fork, true, 'the fork is detected');
    const automatic = await run(step, fork);
    assert.equal(automatic.ran, true, 'the command ran');
    assert.match(automatic.save, /^skipped: a pull request from a fork/);
    assert.deepEqual(await listFilePaths(step.remoteRoot).catch(() => []), [], 'nothing at all was written');
    const always = await run(step, fork, 'always');
    assert.equal(always.outputs[0]!.status, 'saved', always.save);
    assert.deepEqual(await manifestScopes(step.remoteRoot), ['pr-9'], 'saved into pr-9 only');
  });

  test('a fork is recognised by its head repository even when the payload does not flag it', async () => {
    const plan = await githubPlan('pull_request', 'refs/pull/10/merge', pullRequest(10, 'stranger/pipeline', false));
    assert.deepEqual([plan.write, plan.fork], ['pr-10', true]);
  });

  test('a manifest planted one folder deeper than the trusted scope is not a trusted entry', async () => {
    const step = await newStep();
    const fromPullRequest = await run(step, await githubPlan('pull_request', 'refs/pull/12/merge', pullRequest(12, 'octo/pipeline', false)));
    const planted = fromPullRequest.outputs[0]!.manifest!;
    const manifest = JSON.parse(await readFile(planted, 'utf8'));
    const trustedManifest = JSON.stringify({ ...manifest, scope: 'trusted' });
    // A bucket policy that lets pull requests write `…/pr-*` allows this key: it must not count.
    const deeper = planted.replace('/pr-12/', '/trusted/pr-12/');
    await mkdir(dirname(deeper), { recursive: true });
    await writeFile(deeper, trustedManifest);
    const push = await githubPlan('push', 'refs/heads/main', { repository });
    const ignored = await run(step, push, 'never');
    assert.equal(ignored.status, 'miss', 'the planted manifest is not restored');
    // The same manifest at the real trusted key would be restored: the check above can fail.
    await rm(dirname(deeper), { recursive: true });
    const exact = planted.replace('/pr-12/', '/trusted/');
    await mkdir(dirname(exact), { recursive: true });
    await writeFile(exact, trustedManifest);
    const restored = await run(step, push);
    assert.equal(restored.status, 'hit', restored.reason);
  });

  test('pull_request_target and workflow_run on the default branch are not trusted', async () => {
    const target = await githubPlan('pull_request_target', 'refs/heads/main', pullRequest(11, 'stranger/pipeline', true));
    assert.deepEqual([target.write, target.read], ['pr-11', ['pr-11', 'trusted']]);
    const workflowRun = await githubPlan('workflow_run', 'refs/heads/main', { repository });
    assert.notEqual(workflowRun.write, 'trusted', 'workflow_run writes its own scope');
  });
});
