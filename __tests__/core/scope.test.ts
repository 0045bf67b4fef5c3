import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { UsageError } from '../../src/core/errors.js';
import { checkScopeName, planExplicitScope, planGitHubScope, planRequestedScope, subScopeSeparator, trustedScope, type GitHubRunFacts } from '../../src/core/scope.js';

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
    for (const scope of ['pr-42', 'ref-feature.x', 'A_b-c.d', '0', 'x'.repeat(100), 'trusted@gpu', 'pr-7@nightly', `${'x'.repeat(100)}@${'y'.repeat(100)}`]) {
      assert.equal(planExplicitScope(scope, 'test').write, scope);
    }
  });

  test('invalid scope names are refused, naming them', () => {
    for (const scope of ['', '-local', '.hidden', '..', '_x', 'a/b', 'a b', 'pr:1', 'é', 'x'.repeat(101), 'a\nb', '@', 'a@', '@a', 'a@b@c', 'a@.b', 'a@b/c', `a@${'y'.repeat(101)}`]) {
      assert.throws(
        () => planExplicitScope(scope, 'test'),
        (error: Error) => error instanceof UsageError && error.message.startsWith(`scope "${scope}" is not a valid scope name`),
        JSON.stringify(scope),
      );
    }
  });
});

const pullRequestSeven = planGitHubScope({ ...pushOnMain, eventName: 'pull_request', ref: 'refs/pull/7/merge', pullRequestNumber: 7 });
const forkPullRequest = planGitHubScope({ ...pushOnMain, eventName: 'pull_request', ref: 'refs/pull/9/merge', pullRequestNumber: 9, fork: true });
const refusedScope = (scope: string) => (error: Error) => error instanceof UsageError && error.message.startsWith(`scope "${scope}" `);

describe('planRequestedScope: on GitHub an explicit scope only narrows the event scope', () => {
  test('the event scope itself leaves the plan as it is', () => {
    assert.deepEqual(planRequestedScope(pullRequestSeven, 'pr-7'), pullRequestSeven);
    assert.deepEqual(planRequestedScope(planGitHubScope(pushOnMain), 'trusted'), planGitHubScope(pushOnMain));
    assert.deepEqual(planRequestedScope(forkPullRequest, 'pr-9'), forkPullRequest);
  });

  test('a name, or the event scope, "@" and a name, is a sub-scope that reads itself, then trusted', () => {
    for (const requested of ['nightly', 'pr-7@nightly']) {
      const plan = planRequestedScope(pullRequestSeven, requested);
      assert.deepEqual(plan, { write: 'pr-7@nightly', read: ['pr-7@nightly', 'trusted'], fork: false, reason: 'pull_request event from a pull request, sub-scope "nightly" from the scope input' });
    }
    assert.deepEqual(planRequestedScope(planGitHubScope(pushOnMain), 'gpu').read, ['trusted@gpu', 'trusted']);
    const feature = planGitHubScope({ ...pushOnMain, ref: 'refs/heads/feature-x' });
    assert.equal(planRequestedScope(feature, 'exp1').write, 'ref-feature-x@exp1');
    assert.equal(planRequestedScope(pullRequestSeven, 'pr-7@trusted').write, 'pr-7@trusted', 'inside pr-7, whatever the name');
  });

  test('a fork stays a fork in a sub-scope', () => {
    assert.equal(planRequestedScope(forkPullRequest, 'gpu').fork, true);
    assert.equal(planRequestedScope(forkPullRequest, 'pr-9@gpu').fork, true);
  });

  test('trusted, in any case, is refused to a run whose event does not write it', () => {
    for (const requested of ['trusted', 'TRUSTED', 'Trusted']) {
      assert.throws(() => planRequestedScope(pullRequestSeven, requested), refusedScope(requested), requested);
      assert.throws(() => planRequestedScope(planGitHubScope({ ...pushOnMain, eventName: 'issue_comment' }), requested), refusedScope(requested), requested);
    }
    assert.throws(() => planRequestedScope(planGitHubScope(pushOnMain), 'TRUSTED'), /is "trusted"; it differs from that only in case/);
  });

  test('names that are not one path segment of a valid name are refused', () => {
    for (const requested of [' trusted ', 'trusted/x', './trusted', '../trusted', 'pr-7/x', 'pr-7@', 'pr-7@a@b', 'pr-7@.x']) {
      assert.throws(() => planRequestedScope(pullRequestSeven, requested), (error: Error) => error instanceof UsageError && error.message.startsWith(`scope "${requested}" is not a valid scope name`), requested);
    }
  });

  test('another pull request’s or ref’s scope, or a sub-scope of it, is refused', () => {
    for (const requested of ['pr-8', 'pr-78', 'PR-7', 'ref-main', 'ref-pr-7', 'pr-8@gpu', 'pr-78@x', 'PR-7@x', 'trusted@gpu', 'ref-main@x']) {
      assert.throws(() => planRequestedScope(pullRequestSeven, requested), refusedScope(requested), requested);
    }
    for (const requested of ['pr-7', 'ref-main', 'pr-7@x']) {
      assert.throws(() => planRequestedScope(planGitHubScope(pushOnMain), requested), refusedScope(requested), `a trusted run, ${requested}`);
    }
  });

  test('a bare name that reads as an event scope is refused rather than taken as a sub-scope', () => {
    for (const requested of ['trusted.gpu', 'trusted-gpu', 'TrustedGpu', 'pr-7.x', 'pr-x', 'Ref-x']) {
      assert.throws(() => planRequestedScope(pullRequestSeven, requested), /belong to the scopes of other events|only push, schedule/, requested);
    }
  });

  test('the refusal names the input, says why, and what to write instead', () => {
    assert.throws(() => planRequestedScope(pullRequestSeven, 'pr-8'), {
      name: 'UsageError',
      message:
        'scope "pr-8" cannot be written by this run: on GitHub Actions the event decides the scope, and this run\'s (pull_request event from a pull request) is "pr-7"; ' +
        'names starting with "trusted", "pr-" or "ref-" belong to the scopes of other events, pull requests and refs. ' +
        'Leave the scope empty to write "pr-7", or give a sub-scope name such as "gpu" to write "pr-7@gpu"',
    });
  });
});

describe('sub-scopes cannot be confused with other scopes', () => {
  test('no event scope holds the sub-scope separator, so a sub-scope never equals one', () => {
    const refs = ['refs/heads/feature-x@exp1', 'refs/heads/a@{b}', 'refs/heads/@', 'refs/tags/v1@2', 'refs/heads/feature-x.exp1', 'refs/pull/7/head'];
    for (const ref of refs) {
      for (const eventName of ['push', 'workflow_run']) {
        const plan = planGitHubScope({ ...pushOnMain, eventName, ref });
        assert.ok(!plan.write.includes(subScopeSeparator), `${eventName} ${ref}: ${plan.write}`);
        assert.doesNotThrow(() => checkScopeName(plan.write));
      }
    }
    assert.equal(planGitHubScope({ ...pushOnMain, ref: 'refs/heads/feature-x@exp1' }).write, 'ref-feature-x-exp1-851da5b1');
    assert.notEqual(planRequestedScope(planGitHubScope({ ...pushOnMain, ref: 'refs/heads/feature-x' }), 'exp1').write, planGitHubScope({ ...pushOnMain, ref: 'refs/heads/feature-x.exp1' }).write);
  });

  test('pr-7 and a sub-scope name never make pr-78', () => {
    const seventy = planGitHubScope({ ...pushOnMain, eventName: 'pull_request', pullRequestNumber: 78 });
    for (const name of ['8', '8x', '.8', '_8']) {
      let written: string | undefined;
      try {
        written = planRequestedScope(pullRequestSeven, name).write;
      } catch (error) {
        assert.ok(error instanceof UsageError, name);
      }
      assert.notEqual(written, seventy.write, name);
      if (written !== undefined) assert.ok(written.startsWith('pr-7@'), written);
    }
  });
});
