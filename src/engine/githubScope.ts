import { readFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { type GitHubRunFacts, planExplicitScope, planGitHubScope, planRequestedScope, type ScopePlan } from '../core/scope.js';

export interface ScopeChoice {
  /** The `scope` input or `--scope`: on GitHub Actions only a sub-scope of the event's scope. */
  scope?: string;
  trustedRefs: readonly string[];
  /** The scope outside GitHub Actions (`local` for the CLI). */
  fallback: string;
}

/**
 * The scope plan for this run. On GitHub Actions the event decides it, whatever the inputs say: an
 * explicit scope only narrows it to a sub-scope, and a fork stays a fork. Elsewhere (a laptop) there
 * is no event, and an explicit scope is taken as given.
 */
export function planScope(environment: NodeJS.ProcessEnv, choice: ScopeChoice): ScopePlan {
  const requested = choice.scope?.trim() ?? '';
  if (environment.GITHUB_ACTIONS !== 'true') {
    return requested === '' ? planExplicitScope(choice.fallback, 'not running on GitHub Actions') : planExplicitScope(requested, 'set explicitly');
  }
  const plan = planGitHubScope(readGitHubRunFacts(environment, choice.trustedRefs));
  return requested === '' ? plan : planRequestedScope(plan, requested);
}

export function readGitHubRunFacts(environment: NodeJS.ProcessEnv, trustedRefs: readonly string[]): GitHubRunFacts {
  const payload = readEventPayload(environment.GITHUB_EVENT_PATH);
  const pullRequest = payload.pull_request as { number?: number; head?: { repo?: { fork?: boolean; full_name?: string } | null }; base?: { repo?: { full_name?: string } } } | undefined;
  const headRepository = pullRequest?.head?.repo;
  const fork =
    pullRequest !== undefined &&
    (headRepository === null || headRepository === undefined || headRepository.fork === true || headRepository.full_name !== pullRequest.base?.repo?.full_name);
  return {
    eventName: environment.GITHUB_EVENT_NAME ?? '',
    ref: environment.GITHUB_REF ?? '',
    defaultBranch: (payload.repository as { default_branch?: string } | undefined)?.default_branch,
    pullRequestNumber: typeof pullRequest?.number === 'number' ? pullRequest.number : pullRequestNumberOfRef(environment.GITHUB_REF),
    fork,
    trustedRefs: trustedRefs.map((ref) => (ref.startsWith('refs/') ? ref : `refs/heads/${ref}`)),
  };
}

/** `refs/pull/42/merge` names pull request 42 even when the event payload does not. */
function pullRequestNumberOfRef(ref: string | undefined): number | undefined {
  const match = /^refs\/pull\/(\d+)\/(merge|head)$/.exec(ref ?? '');
  return match === null ? undefined : Number(match[1]);
}

function readEventPayload(path: string | undefined): Record<string, unknown> {
  if (path === undefined || path === '') return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`the GitHub event payload ${path} (GITHUB_EVENT_PATH) cannot be read: ${(error as Error).message}`);
  }
}
