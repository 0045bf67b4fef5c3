import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../../src/core/errors.js';
import { checkScopeName, planExplicitScope, planGitHubScope, trustedScope, type GitHubRunFacts } from '../../src/core/scope.js';

const pushOnMain: GitHubRunFacts = {
  eventName: 'push',
  ref: 'refs/heads/main',
  defaultBranch: 'main',
  pullRequestNumber: undefined,
  fork: false,
  trustedRefs: [],
};

describe('planGitHubScope', () => {
  test('a push on the default branch writes and reads trusted', () => {
    assert.deepEqual(planGitHubScope(pushOnMain), { write: 'trusted', read: ['trusted'], fork: false, reason: 'push on refs/heads/main' });
  });

  test('schedule and workflow_dispatch on the default branch are trusted', () => {
    for (const eventName of ['schedule', 'workflow_dispatch']) {
      const plan = planGitHubScope({ ...pushOnMain, eventName });
      assert.deepEqual([plan.write, plan.read], ['trusted', ['trusted']], eventName);
    }
  });

  test('a push on another branch writes its own ref scope and reads it before trusted', () => {
    const plan = planGitHubScope({ ...pushOnMain, ref: 'refs/heads/feature/x' });
    // A name that had to change carries a hash of the full ref (sha256 of "refs/heads/feature/x").
    const write = 'ref-feature-x-2bdd6c29';
    assert.deepEqual(plan, { write, read: [write, 'trusted'], fork: false, reason: 'push on refs/heads/feature/x, which is not trusted' });
    assert.equal(planGitHubScope({ ...pushOnMain, ref: 'refs/heads/feature-x' }).write, 'ref-feature-x');
  });

  test('a push of a tag writes a ref scope', () => {
    assert.equal(planGitHubScope({ ...pushOnMain, ref: 'refs/tags/v1.2.0' }).write, 'ref-tags-v1.2.0-58b6652a');
  });

  test('a ref is sanitized into a valid scope name', () => {
    const plan = planGitHubScope({ ...pushOnMain, ref: 'refs/heads/__we!rd  name/ü' });
    assert.equal(plan.write, 'ref-we-rd-name--d3d55d72');
    assert.doesNotThrow(() => checkScopeName(plan.write));
    const long = planGitHubScope({ ...pushOnMain, ref: `refs/heads/${'b'.repeat(300)}` });
    assert.equal(long.write, `ref-${'b'.repeat(80)}-e7258fbe`);
    assert.doesNotThrow(() => checkScopeName(long.write));
    assert.equal(planGitHubScope({ ...pushOnMain, ref: 'refs/heads/!!!' }).write, 'ref-ref-6e0c1cf6');
  });

  test('a pull request writes pr-N and reads it before trusted', () => {
    const plan = planGitHubScope({ ...pushOnMain, eventName: 'pull_request', ref: 'refs/pull/42/merge', pullRequestNumber: 42 });
    assert.deepEqual(plan, { write: 'pr-42', read: ['pr-42', 'trusted'], fork: false, reason: 'pull_request event from a pull request' });
  });

  test('the fork flag of a pull request is carried', () => {
    const plan = planGitHubScope({ ...pushOnMain, eventName: 'pull_request', ref: 'refs/pull/7/merge', pullRequestNumber: 7, fork: true });
    assert.deepEqual(plan, { write: 'pr-7', read: ['pr-7', 'trusted'], fork: true, reason: 'pull_request event from a fork pull request' });
  });

  test('a trusted-refs entry makes a non-default ref trusted', () => {
    const facts = { ...pushOnMain, ref: 'refs/heads/release/2.x', trustedRefs: ['refs/heads/release/2.x'] };
    assert.deepEqual([planGitHubScope(facts).write, planGitHubScope(facts).read], ['trusted', ['trusted']]);
    assert.equal(planGitHubScope({ ...facts, ref: 'refs/heads/release/3.x' }).write, 'ref-release-3.x-ad104cc9');
  });

  test('a trusted ref is still untrusted for an untrusted event', () => {
    const facts = { ...pushOnMain, eventName: 'workflow_run', ref: 'refs/heads/release/2.x', trustedRefs: ['refs/heads/release/2.x'] };
    assert.equal(planGitHubScope(facts).write, 'ref-release-2.x-d4c938d6');
  });

  test('pull_request_target and other events on the default branch are never trusted', () => {
    const target = planGitHubScope({ ...pushOnMain, eventName: 'pull_request_target', pullRequestNumber: 9, fork: true });
    assert.deepEqual([target.write, target.read, target.fork], ['pr-9', ['pr-9', 'trusted'], true]);
    for (const eventName of ['pull_request_target', 'pull_request', 'workflow_run', 'issue_comment', 'repository_dispatch', 'merge_group', 'release']) {
      const plan = planGitHubScope({ ...pushOnMain, eventName });
      assert.notEqual(plan.write, trustedScope, eventName);
      assert.deepEqual(plan.read, [plan.write, 'trusted'], eventName);
    }
  });

  test('an unknown default branch trusts only trusted-refs', () => {
    assert.equal(planGitHubScope({ ...pushOnMain, defaultBranch: undefined }).write, 'ref-main');
    assert.equal(planGitHubScope({ ...pushOnMain, defaultBranch: undefined, trustedRefs: ['refs/heads/main'] }).write, 'trusted');
  });

  test('a branch named like the default branch elsewhere is not trusted', () => {
    assert.equal(planGitHubScope({ ...pushOnMain, ref: 'refs/tags/main' }).write, 'ref-tags-main-14d3c266');
    assert.equal(planGitHubScope({ ...pushOnMain, ref: 'main' }).write, 'ref-main');
  });
});

describe('planExplicitScope', () => {
  test('a local scope reads itself, then trusted', () => {
    assert.deepEqual(planExplicitScope('local', 'the CLI default'), { write: 'local', read: ['local', 'trusted'], fork: false, reason: 'the CLI default' });
  });

  test('the trusted scope reads only trusted', () => {
    assert.deepEqual(planExplicitScope('trusted', 'told so'), { write: 'trusted', read: ['trusted'], fork: false, reason: 'told so' });
  });

  test('valid names are accepted', () => {
    for (const scope of ['pr-42', 'ref-feature.x', 'A_b-c.d', '0', 'x'.repeat(100)]) {
      assert.equal(planExplicitScope(scope, 'test').write, scope);
    }
  });

  test('invalid scope names are refused, naming them', () => {
    for (const scope of ['', '-local', '.hidden', '..', '_x', 'a/b', 'a b', 'pr:1', 'é', 'x'.repeat(101), 'a\nb']) {
      assert.throws(
        () => planExplicitScope(scope, 'test'),
        (error: Error) => error instanceof UsageError && error.message.startsWith(`scope "${scope}" is not a valid scope name`),
        JSON.stringify(scope),
      );
    }
  });
});
