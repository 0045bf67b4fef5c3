import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import { parseStepOptions, stepContext } from '../../src/cli/cliOptions.js';
import { UsageError } from '../../src/core/errors.js';
import { type ScopePlan } from '../../src/core/scope.js';
import { executeStep } from '../../src/engine/executeStep.js';
import { planScope } from '../../src/engine/githubScope.js';
import { readGitHubRun } from '../../src/action/githubRun.js';
import { type GitHubRun } from '../../src/core/githubRun.js';
import { type StepDefinition } from '../../src/engine/stepDefinition.js';
import { openRemote } from '../../src/remote/openRemote.js';
import { type S3Server, s3rverCredentials } from '../helpers/s3Server.js';
import { useS3Server } from '../helpers/useS3Server.js';
import { withEnvironment } from '../helpers/environment.js';
import { listFilePaths, makeTemporaryDirectory, writeFiles } from '../helpers/workspace.js';

let root: string;
let caseCount = 0;

beforeAll(async () => {
  root = await makeTemporaryDirectory('scopes');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The environment of a run on GitHub Actions, with its event payload written where the runner puts it. */
async function githubEnvironment(eventName: string, ref: string, payload: Record<string, unknown>): Promise<NodeJS.ProcessEnv> {
  const eventPath = join(root, `event-${++caseCount}.json`);
  await writeFile(eventPath, JSON.stringify(payload));
  return { GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: eventName, GITHUB_REF: ref, GITHUB_EVENT_PATH: eventPath };
}

/** The scope plan a run on GitHub gets from its event and its `scope` input, through the same code the faces use. */
async function githubPlan(eventName: string, ref: string, payload: Record<string, unknown>, scope?: string, trustedRefs: string[] = []): Promise<ScopePlan> {
  return planScope(await githubRunIn(await githubEnvironment(eventName, ref, payload)), { scope, trustedRefs, fallback: 'local' });
}

/** The run the faces read from this environment, through @actions/github's context. */
async function githubRunIn(environment: NodeJS.ProcessEnv): Promise<GitHubRun | undefined> {
  return withEnvironment(environment, () => readGitHubRun());
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

/** Refused: a usage error that names the input and says what to write instead. */
function refusal(scope: string) {
  return (error: Error) => error instanceof UsageError && error.message.includes(`scope "${scope.trim()}"`) && /Leave the scope empty|is not a valid scope name/.test(error.message);
}

const pullRequestSeven = () => githubEnvironment('pull_request', 'refs/pull/7/merge', pullRequest(7, 'octo/pipeline', false));
const pullRequestSevenRun = async () => githubRunIn(await pullRequestSeven());

// One test per row of the table "Who can write where" in SECURITY.md, titled by its row.
describe('who can write where (SECURITY.md)', () => {
  test('row 1: a trusted event with no scope or "trusted" writes and reads trusted', async () => {
    for (const scope of [undefined, '', 'trusted', ' trusted ']) {
      const plan = await githubPlan('push', 'refs/heads/main', { repository }, scope);
      assert.deepEqual([plan.write, plan.read, plan.fork], ['trusted', ['trusted'], false], String(scope));
    }
    for (const eventName of ['schedule', 'workflow_dispatch']) {
      assert.equal((await githubPlan(eventName, 'refs/heads/main', { repository }, 'trusted')).write, 'trusted', eventName);
    }
    const release = await githubPlan('push', 'refs/heads/release/2.x', { repository }, 'trusted', ['release/2.x']);
    assert.equal(release.write, 'trusted', 'a ref in trusted-refs');
  });

  test('row 2: a trusted event with a sub-scope name writes trusted@name and reads it, then trusted', async () => {
    const step = await newStep();
    for (const scope of ['gpu', 'trusted@gpu']) {
      const plan = await githubPlan('push', 'refs/heads/main', { repository }, scope);
      assert.deepEqual([plan.write, plan.read], ['trusted@gpu', ['trusted@gpu', 'trusted']], scope);
    }
    const gpu = await run(step, await githubPlan('push', 'refs/heads/main', { repository }, 'gpu'));
    assert.deepEqual([gpu.status, gpu.scope], ['miss', 'trusted@gpu']);
    assert.deepEqual(await manifestScopes(step.remoteRoot), ['trusted@gpu'], 'saved into the sub-scope only');
    const plain = await run(step, await githubPlan('push', 'refs/heads/main', { repository }));
    assert.equal(plain.status, 'miss', 'trusted does not read its sub-scopes');
    const other = await run(await newStep(), await githubPlan('push', 'refs/heads/main', { repository }));
    assert.equal(other.status, 'miss');
  });

  test('row 2: a trusted sub-scope restores what trusted saved', async () => {
    const step = await newStep();
    await run(step, await githubPlan('push', 'refs/heads/main', { repository }));
    const gpu = await run(step, await githubPlan('schedule', 'refs/heads/main', { repository }, 'gpu'));
    assert.deepEqual([gpu.status, gpu.restored_scope], ['hit', 'trusted'], gpu.reason);
  });

  test('row 3: a pull request with no scope or its own pr-N writes pr-N, exactly as with no input', async () => {
    const none = planScope(await pullRequestSevenRun(), { trustedRefs: [], fallback: 'local' });
    assert.deepEqual([none.write, none.read], ['pr-7', ['pr-7', 'trusted']]);
    for (const scope of ['', 'pr-7', ' pr-7 ']) {
      assert.deepEqual(planScope(await pullRequestSevenRun(), { scope, trustedRefs: [], fallback: 'local' }), none, JSON.stringify(scope));
    }
    const target = await githubPlan('pull_request_target', 'refs/heads/main', pullRequest(11, 'octo/pipeline', false), 'pr-11');
    assert.deepEqual([target.write, target.read], ['pr-11', ['pr-11', 'trusted']], 'pull_request_target');
  });

  test('row 4: a pull request with a sub-scope name writes pr-N@name, which no other scope reads', async () => {
    for (const scope of ['nightly', 'pr-7@nightly']) {
      const plan = planScope(await pullRequestSevenRun(), { scope, trustedRefs: [], fallback: 'local' });
      assert.deepEqual([plan.write, plan.read, plan.fork], ['pr-7@nightly', ['pr-7@nightly', 'trusted'], false], scope);
      // The bucket policy confines pull requests to `outputs/*/pr-*`: a sub-scope is still one segment under it.
      assert.match(plan.write, /^pr-7@[^/]+$/);
    }
    const step = await newStep();
    const nightly = await run(step, planScope(await pullRequestSevenRun(), { scope: 'nightly', trustedRefs: [], fallback: 'local' }));
    assert.equal(nightly.scope, 'pr-7@nightly');
    assert.deepEqual(await manifestScopes(step.remoteRoot), ['pr-7@nightly'], 'saved into the sub-scope only');
    const push = await run(step, await githubPlan('push', 'refs/heads/main', { repository }), 'never');
    assert.equal(push.status, 'miss', 'a push to the default branch does not restore it');
    const otherPullRequest = await run(step, await githubPlan('pull_request', 'refs/pull/78/merge', pullRequest(78, 'octo/pipeline', false), 'nightly'), 'never');
    assert.deepEqual([otherPullRequest.status, otherPullRequest.read_scopes], ['miss', ['pr-78@nightly', 'trusted']], 'pull request 78 does not restore it');
  });

  test('row 4: a pull request sub-scope restores what trusted saved', async () => {
    const step = await newStep();
    await run(step, await githubPlan('push', 'refs/heads/main', { repository }));
    const nightly = await run(step, planScope(await pullRequestSevenRun(), { scope: 'nightly', trustedRefs: [], fallback: 'local' }));
    assert.deepEqual([nightly.status, nightly.restored_scope], ['hit', 'trusted'], nightly.reason);
  });

  test('row 5: a pull request from a fork saves nothing under save "auto", whatever its scope input', async () => {
    const step = await newStep();
    for (const scope of [undefined, 'gpu', 'pr-9', 'pr-9@gpu']) {
      const plan = await githubPlan('pull_request', 'refs/pull/9/merge', pullRequest(9, 'stranger/pipeline', true), scope);
      const automatic = await run(step, plan);
      assert.equal(automatic.ran, true, 'the command ran');
      assert.match(automatic.save, /^skipped: a pull request from a fork/, `scope ${String(scope)}`);
      assert.equal(plan.fork, true, `the fork is detected with scope ${String(scope)}`);
    }
    assert.deepEqual(await listFilePaths(step.remoteRoot).catch(() => []), [], 'nothing at all was written');
    const always = await run(step, await githubPlan('pull_request', 'refs/pull/9/merge', pullRequest(9, 'stranger/pipeline', true), 'gpu'), 'always');
    assert.equal(always.outputs[0]!.status, 'saved', always.save);
    assert.deepEqual(await manifestScopes(step.remoteRoot), ['pr-9@gpu'], 'under "always", saved into its own sub-scope only');
  });

  test('row 6: any other ref or event with no scope or its own ref-name writes ref-name', async () => {
    for (const scope of [undefined, 'ref-main']) {
      for (const eventName of ['issue_comment', 'workflow_run', 'release']) {
        const plan = await githubPlan(eventName, 'refs/heads/main', { repository }, scope);
        assert.deepEqual([plan.write, plan.read], ['ref-main', ['ref-main', 'trusted']], `${eventName} ${String(scope)}`);
      }
    }
    const feature = await githubPlan('push', 'refs/heads/feature-x', { repository }, 'ref-feature-x');
    assert.deepEqual([feature.write, feature.read], ['ref-feature-x', ['ref-feature-x', 'trusted']]);
  });

  test('row 7: any other ref or event with a sub-scope name writes ref-name@name, which no branch scope can equal', async () => {
    const step = await newStep();
    const plan = await githubPlan('push', 'refs/heads/feature-x', { repository }, 'exp1');
    assert.deepEqual([plan.write, plan.read], ['ref-feature-x@exp1', ['ref-feature-x@exp1', 'trusted']]);
    await run(step, plan);
    for (const branch of ['feature-x@exp1', 'feature-x.exp1', 'feature-x-exp1']) {
      const lookalike = await run(step, await githubPlan('push', `refs/heads/${branch}`, { repository }), 'never');
      assert.notEqual(lookalike.scope, 'ref-feature-x@exp1', branch);
      assert.equal(lookalike.status, 'miss', `a push to ${branch} does not restore the sub-scope`);
    }
    const comment = await githubPlan('issue_comment', 'refs/heads/main', { repository }, 'ref-main@exp1');
    assert.deepEqual([comment.write, comment.read], ['ref-main@exp1', ['ref-main@exp1', 'trusted']]);
  });

  test('row 8: on GitHub Actions, another scope, a case variant, an event-scope lookalike or an invalid name is refused', async () => {
    const refusedOnPullRequest = ['trusted', 'TRUSTED', 'Trusted', ' trusted ', 'trusted/x', './trusted', '../trusted', 'pr-8', 'PR-7', 'pr-78', 'pr-7.x', 'ref-main', 'trusted@gpu', 'pr-8@gpu', 'pr-78@x', 'PR-7@gpu', 'pr-7@', 'pr-7@a@b', 'pr-7@trusted/x', 'trusted.gpu', 'trusted-gpu', 'local/x'];
    for (const scope of refusedOnPullRequest) {
      const github = await pullRequestSevenRun();
      assert.throws(() => planScope(github, { scope, trustedRefs: [], fallback: 'local' }), refusal(scope), JSON.stringify(scope));
    }
    for (const scope of ['pr-8', 'ref-main', 'Trusted', 'ref-main@gpu', 'pr-8@gpu']) {
      await assert.rejects(githubPlan('push', 'refs/heads/main', { repository }, scope), refusal(scope), `push on main, ${scope}`);
    }
    for (const scope of ['trusted', 'trusted@gpu', 'ref-feature-x', 'pr-1']) {
      await assert.rejects(githubPlan('issue_comment', 'refs/heads/main', { repository }, scope), refusal(scope), `issue_comment on main, ${scope}`);
    }
    await assert.rejects(githubPlan('push', 'refs/heads/release/3.x', { repository }, 'trusted', ['release/2.x']), refusal('trusted'), 'a ref not in trusted-refs');
  });

  test('row 8: the refusal says why and what to write instead', async () => {
    const github = await githubRunIn({ GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/7/merge' });
    assert.throws(
      () => planScope(github, { scope: 'trusted', trustedRefs: [], fallback: 'local' }),
      (error: Error) =>
        error instanceof UsageError &&
        error.message.includes('scope "trusted" cannot be written by this run') &&
        error.message.includes('only push, schedule and workflow_dispatch runs on the default branch or on a ref in trusted-refs write "trusted"') &&
        error.message.includes('Leave the scope empty to write "pr-7", or give a sub-scope name such as "gpu" to write "pr-7@gpu"'),
    );
  });

  test('row 8: the CLI on GitHub Actions is refused the same, and writes nothing', async () => {
    const step = await newStep();
    const environment = await pullRequestSeven();
    for (const scope of ['trusted', 'pr-8', 'ref-main']) {
      const options = parseStepOptions(['--scope', scope, '--remote', step.remoteRoot, '--outputs', 'out'], 'exec');
      await withEnvironment(environment, () => assert.rejects(stepContext(options, step.definition.workingDirectory, environment), refusal(scope), scope));
    }
    assert.deepEqual(await listFilePaths(step.remoteRoot).catch(() => []), [], 'nothing was written');
    const fork = await githubEnvironment('pull_request', 'refs/pull/9/merge', pullRequest(9, 'stranger/pipeline', true));
    const context = await withEnvironment(fork, () => stepContext(parseStepOptions(['--scope', 'gpu', '--remote', step.remoteRoot], 'exec'), step.definition.workingDirectory, fork));
    assert.deepEqual([context.scope.write, context.scope.read, context.scope.fork], ['pr-9@gpu', ['pr-9@gpu', 'trusted'], true]);
  });

  test('row 9: the CLI outside GitHub Actions with no scope writes local', async () => {
    const step = await newStep();
    const context = await withEnvironment({}, () => stepContext(parseStepOptions(['--remote', step.remoteRoot], 'exec'), step.definition.workingDirectory, {}));
    assert.deepEqual(context.scope, { write: 'local', read: ['local', 'trusted'], fork: false, reason: 'not running on GitHub Actions' });
  });

  test('row 10: the CLI outside GitHub Actions writes the scope it is given, trusted included', async () => {
    const step = await newStep();
    const outside = { GITHUB_ACTIONS: 'false' };
    const given = async (scope: string) => (await withEnvironment(outside, () => stepContext(parseStepOptions(['--scope', scope, '--remote', step.remoteRoot], 'exec'), step.definition.workingDirectory, outside))).scope;
    assert.deepEqual([(await given('trusted')).write, (await given('trusted')).read], ['trusted', ['trusted']]);
    assert.deepEqual([(await given('pr-8')).write, (await given('pr-8')).read], ['pr-8', ['pr-8', 'trusted']]);
    assert.deepEqual([(await given('team@gpu')).write, (await given('team@gpu')).read], ['team@gpu', ['team@gpu', 'trusted']]);
    await assert.rejects(given('trusted/x'), refusal('trusted/x'), 'an invalid name is still refused');
    const saved = await run(step, await given('trusted'));
    assert.equal(saved.scope, 'trusted');
    assert.deepEqual(await manifestScopes(step.remoteRoot), ['trusted'], 'a laptop may write trusted: the bucket policy decides who holds such credentials');
  });
});

describe('sub-scopes on S3', () => {
  let server: S3Server;
  useS3Server((started) => {
    server = started;
    // The S3 remote takes its credentials from the SDK's default chain, as on a runner.
    Object.assign(process.env, s3rverCredentials);
  });

  test('a pull request sub-scope is saved under its own key segment, and restored from it only', async () => {
    const step = await newStep();
    const remote = await openRemote(`s3://${server.bucket}/sub-scopes`, root, { endpoint: server.endpoint, forcePathStyle: true, region: 'us-east-1' });
    const context = async (plan: ScopePlan) => ({ remote, scope: plan, concurrency: 4, failOnCacheError: false, environment: process.env });
    const nightly = planScope(await pullRequestSevenRun(), { scope: 'nightly', trustedRefs: [], fallback: 'local' });
    const saved = await executeStep(step.definition, await context(nightly), 'auto');
    assert.equal(saved.outputs[0]!.status, 'saved', saved.save);
    assert.match(saved.outputs[0]!.manifest!, /\/pr-7@nightly\/[0-9a-f]{64}\.json$/, 'the manifest is under outputs/*/pr-7@nightly/');
    await rm(join(step.definition.workingDirectory, 'out'), { recursive: true, force: true });
    const again = await executeStep(step.definition, await context(nightly), 'never');
    assert.deepEqual([again.status, again.restored_scope], ['hit', 'pr-7@nightly'], again.reason);
    await rm(join(step.definition.workingDirectory, 'out'), { recursive: true, force: true });
    const plain = await executeStep(step.definition, await context(planScope(await pullRequestSevenRun(), { trustedRefs: [], fallback: 'local' })), 'never');
    assert.equal(plain.status, 'miss', 'pr-7 does not read its sub-scope');
  });
});
